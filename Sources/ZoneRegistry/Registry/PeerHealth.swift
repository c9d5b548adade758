/// What the registry believes about one peer, as reported by its health state machine.
///
/// `unknown` means the first probe round has not finished: it counts as healthy (SPEC §4), so
/// a fresh start answers with every peer rather than failing closed.
enum PeerHealth: Sendable, Equatable {
    case unknown, up, down

    var countsAsHealthy: Bool { self != .down }
}
