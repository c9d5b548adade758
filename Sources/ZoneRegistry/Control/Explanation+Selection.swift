/// Why each peer is in or out of the selection (SPEC §4): labels first, then the override,
/// then health — with `quorum` the masters' vote (SPEC §9) — then the tier.
extension Explanation {
    mutating func explainSelection(_ registry: Registry, monitor: HealthMonitor?, overrides: OverrideSet, quorum: QuorumStanding?) {
        let config = registry.config
        let selected = Set(registry.selectedPeers)
        let failingOpen = !selected.isEmpty && selected.allSatisfy { !registry.effectiveHealth(ofPeerAt: $0).countsAsHealthy }
        let answeringPrimary = selected.contains { config.peers[$0].role == .primary }
        for (index, peer) in config.peers.enumerated() {
            let host = peer.host.description
            let override = overrides[host]
            let health = HealthReason(registry: registry, index: index, monitor: monitor, ballot: quorum?.ballot(ofPeerAt: index))
            if selected.contains(index) {
                answering.append(Included(peer: host, why: Explanation.inclusion(registry, index, override, failingOpen, health)))
                continue
            }
            if !config.select.allSatisfy(peer.labels.contains) {
                let labels = peer.labels.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
                let select = config.select.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
                leftOut.append(LeftOut(peer: host, reason: "not selected",
                                       detail: "labels {\(labels)} do not match select \(select)"))
            } else if registry.override(ofPeerAt: index) == .drain {
                leftOut.append(LeftOut(peer: host, reason: "drained", detail: Explanation.describe(override)))
            } else if registry.effectiveHealth(ofPeerAt: index) == .down {
                leftOut.append(LeftOut(peer: host, reason: "down", detail: health.down))
            } else if peer.role == .secondary && answeringPrimary {
                leftOut.append(LeftOut(peer: host, reason: "secondary", detail: "a primary is up; secondaries answer only when none is"))
            } else {
                leftOut.append(LeftOut(peer: host, reason: "down", detail: "not answered"))
            }
        }
    }

    private static func inclusion(_ registry: Registry, _ index: Int, _ override: Override?, _ failingOpen: Bool,
                                  _ health: HealthReason) -> String {
        if failingOpen { return "fail open: no selected peer is healthy, so every selected peer is answered" }
        switch registry.override(ofPeerAt: index) {
        case .up: return "forced up: \(describe(override))"
        case .drain: return "drained, but answered by fail open"
        case nil: return health.up
        }
    }

    static func describe(_ override: Override?) -> String {
        guard let override else { return "by the operator" }
        var text = override.reason.isEmpty ? "no reason given" : override.reason
        text += " (by \(override.setBy)"
        if let expires = override.expiresAt { text += ", until \(expires.formatted(.iso8601))" }
        return text + ")"
    }
}

/// A peer's health in words: this master's own probes and, with `quorum`, how the masters
/// voted — so a peer the vote keeps in (or takes out) against this master's own probe says so.
private struct HealthReason {
    var own: PeerHealth
    var cause: String
    var ballot: QuorumStanding.Ballot?

    init(registry: Registry, index: Int, monitor: HealthMonitor?, ballot: QuorumStanding.Ballot?) {
        own = registry.health(ofPeerAt: index)
        cause = monitor?.records[index].cause?.description ?? "failed its probes"
        self.ballot = ballot
    }

    /// Why a peer the vote (or this master alone) finds healthy is answered.
    var up: String {
        let plain = own == .unknown ? "not probed yet (counts as up)" : "up"
        guard let ballot, ballot.fellowsVoted else { return plain }
        if own == .down { return "up by vote although this master's probe says down: \(cause); \(ballot)" }
        return "\(plain); \(ballot)"
    }

    /// Why a peer that is down is left out.
    var down: String {
        guard let ballot else { return cause }
        guard ballot.fellowsVoted else { return "\(cause); this master decides alone, no fellow master votes (\(ballot.fellowList))" }
        return own == .down ? "\(cause); \(ballot)" : "down by vote: \(ballot)"
    }
}
