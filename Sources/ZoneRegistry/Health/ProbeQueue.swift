/// Bounds the probes in flight across all registries and keeps one probe per peer.
///
/// The loop asks before it starts a probe: `.start`, `.refused` because that peer's last
/// probe is still in flight — a slow peer skips a round rather than piling up sockets — or
/// nil when the bound is reached. Nothing is queued: the caller's schedule lags and asks
/// again, so a backlog costs no closures or memory. Peers are identified by an index the
/// caller chooses.
///
/// The default bound is 64 peers in flight, at most 128 probe sockets (two addresses each).
/// A plain value owned by the loop thread.
struct ProbeQueue: Sendable {
    enum Admission: Sendable, Equatable {
        case start
        case refused
    }

    static let defaultBound = 64

    let bound: Int
    private(set) var inFlight: Set<Int> = []

    init(bound: Int = ProbeQueue.defaultBound) {
        self.bound = max(1, bound)
    }

    mutating func startIfFree(peer: Int) -> Admission? {
        if inFlight.contains(peer) { return .refused }
        guard inFlight.count < bound else { return nil }
        inFlight.insert(peer)
        return .start
    }

    /// Frees `peer`'s slot. Finishing a peer not in flight does nothing.
    mutating func finish(peer: Int) {
        inFlight.remove(peer)
    }
}
