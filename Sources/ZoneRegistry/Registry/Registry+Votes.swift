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
    /// Where the fellow masters' votes combine with this master's own verdict (SPEC §9),
    /// before overrides (`effectiveHealth`): the own verdict (rise/fall applied) is one vote,
    /// each fresh fellow view that names the peer another; the peer is up when at least half
    /// of the votes are up. With no fresh fellow (alone) the own verdict stands.
    func votedHealth(ofPeerAt index: Int) -> PeerHealth {
        let own = health(ofPeerAt: index)
        guard let votes, votes.seen.indices.contains(index), votes.seen[index] > 0 else { return own }
        let total = votes.seen[index] + 1
        let up = votes.up[index] + (own.countsAsHealthy ? 1 : 0)
        return 2 * up >= total ? .up : .down
    }
}
