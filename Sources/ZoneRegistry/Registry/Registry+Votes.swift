/// How many fresh fellow views saw each peer up, of how many that saw it at all (SPEC §9).
/// Built by the quorum exchange each time a view arrives or goes stale; indexed like
/// `RegistryConfig.peers`.
struct PeerVotes: Sendable, Equatable {
    var up: [Int]
    var seen: [Int]

    init(peerCount: Int) {
        up = Array(repeating: 0, count: peerCount)
        seen = Array(repeating: 0, count: peerCount)
    }
}

extension Registry {
    /// The one place where a peer's health is combined (SPEC §9): this master's own verdict
    /// (rise/fall applied) is one vote, each fresh fellow view that names the peer another;
    /// the peer is up when at least half of the votes are up. With no fresh fellow (alone)
    /// the own verdict stands. Overrides (SPEC §11) are to be applied here, after the votes.
    func combinedHealth(ofPeerAt index: Int) -> PeerHealth {
        let own = healths[index]
        guard let votes, votes.seen.indices.contains(index), votes.seen[index] > 0 else { return own }
        let total = votes.seen[index] + 1
        let up = votes.up[index] + (own.countsAsHealthy ? 1 : 0)
        return 2 * up >= total ? .up : .down
    }
}

/// RFC 1982 serial number arithmetic on 32 bits.
enum SerialNumber {
    /// `a` is greater than `b` in RFC 1982 §3.2's sense (undefined at exactly 2^31 apart: false).
    static func isAhead(_ a: UInt32, of b: UInt32) -> Bool {
        a != b && (a &- b) < 0x8000_0000
    }

    /// How far `a` is ahead of `b` (0 when it is not).
    static func distance(_ a: UInt32, ahead b: UInt32) -> UInt32 {
        isAhead(a, of: b) ? a &- b : 0
    }
}
