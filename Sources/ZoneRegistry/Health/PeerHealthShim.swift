/// Health of one peer as answers see it (SPEC §4). `unknown` until its first probe round
/// finishes, and counted as healthy meanwhile.
///
/// Placeholder: the Registry defines this enum with exactly this shape; this file goes at merge.
enum PeerHealth: Sendable, Equatable {
    case unknown, up, down
}
