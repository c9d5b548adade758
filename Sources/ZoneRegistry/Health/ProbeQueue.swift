/// Bounds the probes in flight across all registries and keeps one probe per peer.
///
/// The loop asks before it starts a probe: `.start` now, `.queued` until a slot frees
/// (`finish` then hands it back), or `.refused` because that peer already has a probe in
/// flight or waiting — a slow peer skips a round rather than piling up sockets. Peers are
/// identified by an index the caller chooses (a peer, or a peer's address slot).
///
/// The default bound is 64 probes in flight; each probe holds one socket and one timer.
/// A plain value owned by the loop thread.
struct ProbeQueue: Sendable {
    enum Admission: Sendable, Equatable {
        case start
        case queued
        case refused
    }

    static let defaultBound = 64

    let bound: Int
    private(set) var inFlight: Set<Int> = []
    private var waiting: [Int] = []
    private var waitingHead = 0
    private var waitingSet: Set<Int> = []

    init(bound: Int = ProbeQueue.defaultBound) {
        self.bound = max(1, bound)
    }

    var waitingCount: Int { waiting.count - waitingHead }

    mutating func request(peer: Int) -> Admission {
        if inFlight.contains(peer) || waitingSet.contains(peer) { return .refused }
        if inFlight.count < bound {
            inFlight.insert(peer)
            return .start
        }
        waiting.append(peer)
        waitingSet.insert(peer)
        return .queued
    }

    /// Admits `peer` only while a slot is free: `.start`, `.refused` as `request` does, or
    /// nil — "full, ask again later" — with nothing queued (a free slot means nobody waits).
    /// For a scheduler that would rather let its schedule lag than pile up waiting closures.
    mutating func startIfFree(peer: Int) -> Admission? {
        if inFlight.contains(peer) || waitingSet.contains(peer) { return .refused }
        guard inFlight.count < bound else { return nil }
        inFlight.insert(peer)
        return .start
    }

    /// Marks `peer`'s probe finished; returns the waiting peer whose probe starts now (it
    /// is already counted in flight), or nil. Finishing a peer not in flight does nothing.
    mutating func finish(peer: Int) -> Int? {
        guard inFlight.remove(peer) != nil else { return nil }
        guard waitingHead < waiting.count else { return nil }
        let next = waiting[waitingHead]
        waitingHead += 1
        // Compact once the consumed prefix dominates, so the array stays bounded.
        if waitingHead * 2 >= waiting.count {
            waiting.removeFirst(waitingHead)
            waitingHead = 0
        }
        waitingSet.remove(next)
        inFlight.insert(next)
        return next
    }
}
