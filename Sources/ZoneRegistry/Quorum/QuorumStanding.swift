/// One registry's masters as its quorum exchange sees them now (SPEC §9): which fellows are
/// fresh, and what each fresh fellow's view says of each peer. Copied out of the exchange per
/// `/status` or `/explain` request (`QuorumExchange.standing`), so the reports read a value and
/// are tested without sockets.
struct QuorumStanding {
    struct Fellow: Sendable {
        var name: DomainName
        /// Its view counts: a good answer within 3 intervals.
        var fresh: Bool
        /// Why it is stale: the last exchange that gave no view; nil while fresh.
        var problem: String?
        /// Its own verdict per peer host (true: up), from its last view; empty while stale.
        var verdicts: [DomainName: Bool]
    }

    /// One master's vote on one peer.
    enum Vote: String, Sendable {
        case up, down
        /// A fresh fellow whose view does not name the peer (not probed there yet, or not in
        /// its Corefile): no vote.
        case unseen
        /// A stale fellow: no vote.
        case stale
    }

    let registry: Registry
    /// This master's `ns` name.
    var name: DomainName
    var fellows: [Fellow]

    /// Every fellow stale: this master answers from its own view.
    var alone: Bool { !fellows.contains(where: \.fresh) }
    /// This master and every fresh fellow.
    var freshMasters: Int { 1 + fellows.count(where: \.fresh) }

    /// Every master's vote on one peer.
    struct Ballot: CustomStringConvertible {
        /// This master's `ns` name, and its own verdict (rise/fall applied; not probed yet counts as up).
        var master: DomainName
        var own: Vote
        /// Each fellow's, in `ns` order.
        var fellows: [(master: DomainName, vote: Vote)]

        var up: Int { ([own] + fellows.map(\.vote)).count { $0 == .up } }
        var down: Int { ([own] + fellows.map(\.vote)).count { $0 == .down } }
        /// Some fellow voted: the answered state is the vote, not this master's verdict alone.
        var fellowsVoted: Bool { fellows.contains { $0.vote == .up || $0.vote == .down } }

        /// `1 of 3 masters see it up (this master: up, ns2.example.: down, ns3.example.: down)`.
        var description: String {
            "\(up) of \(up + down) masters see it up (this master: \(own.rawValue), \(fellowList))"
        }

        /// `ns2.example.: down, ns3.example.: stale`.
        var fellowList: String {
            fellows.map { "\($0.master): \($0.vote.rawValue)" }.joined(separator: ", ")
        }
    }

    func ballot(ofPeerAt index: Int) -> Ballot {
        let host = registry.config.peers[index].host
        let votes = fellows.map { fellow -> (master: DomainName, vote: Vote) in
            guard fellow.fresh else { return (fellow.name, .stale) }
            return (fellow.name, fellow.verdicts[host].map { $0 ? .up : .down } ?? .unseen)
        }
        return Ballot(master: name, own: registry.health(ofPeerAt: index).countsAsHealthy ? .up : .down, fellows: votes)
    }
}
