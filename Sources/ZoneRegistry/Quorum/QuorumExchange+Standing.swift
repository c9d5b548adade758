/// The exchange's state as a value for the control API (`QuorumStanding`): what `/status`,
/// `/explain` and the status page show of the masters and their votes.
extension QuorumExchange {
    var standing: QuorumStanding {
        let config = registry.config
        let own = config.nameServers[config.quorum?.selfIndex ?? 0].name
        return QuorumStanding(registry: registry, name: own, fellows: fellows.map { fellow in
            // Only what `applyVotes` counts: a fresh fellow's view (nil `fresh`, not heard from
            // in its first 3 intervals, does not vote either).
            let fresh = fellow.fresh == true
            var verdicts: [DomainName: Bool] = [:]
            if fresh, let view = fellow.view {
                for verdict in view.verdicts { verdicts[verdict.host] = verdict.up }
            }
            return QuorumStanding.Fellow(name: fellow.name, fresh: fresh, problem: fresh ? nil : fellow.lastProblem,
                                         verdicts: verdicts)
        })
    }
}
