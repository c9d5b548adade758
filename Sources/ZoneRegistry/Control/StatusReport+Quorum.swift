/// `/status` with `quorum` (SPEC §9): per zone the masters whose views count, per peer each
/// master's vote.
extension StatusReport {
    struct Quorum: Encodable, Sendable {
        /// This master's `ns` name.
        var master: String
        /// Masters whose views count (this one included), and fellows whose do not.
        var fresh: Int
        var stale: Int
        /// Every fellow stale: answers come from this master's own probes.
        var alone: Bool
        var fellows: [Fellow]

        struct Fellow: Encodable, Sendable {
            var master: String
            /// `fresh` or `stale`.
            var state: String
            /// Why it is stale: what the last exchange with it gave instead of a view.
            var problem: String?
        }

        init(_ standing: QuorumStanding) {
            master = standing.name.description
            fresh = standing.freshMasters
            stale = standing.fellows.count + 1 - fresh
            alone = standing.alone
            fellows = standing.fellows.map { Fellow(master: $0.name.description, state: $0.fresh ? "fresh" : "stale", problem: $0.problem) }
        }
    }

    struct Votes: Encodable, Sendable {
        /// Votes cast: this master's own and each fresh fellow's that names the peer.
        var up: Int
        var down: Int
        /// Each master's vote by `ns` name: `up`, `down`, `unseen` (a fresh fellow's view does
        /// not name the peer) or `stale`.
        var by: [String: String]

        init(_ ballot: QuorumStanding.Ballot) {
            up = ballot.up
            down = ballot.down
            by = [ballot.master.description: ballot.own.rawValue]
            for fellow in ballot.fellows { by[fellow.master.description] = fellow.vote.rawValue }
        }
    }
}
