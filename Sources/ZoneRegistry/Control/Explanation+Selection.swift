/// Why each peer is in or out of the selection (SPEC §4): labels first, then the override,
/// then health, then the tier.
extension Explanation {
    mutating func explainSelection(_ registry: Registry, monitor: HealthMonitor?, overrides: OverrideSet) {
        let config = registry.config
        let selected = Set(registry.selectedPeers)
        let failingOpen = !selected.isEmpty && selected.allSatisfy { !registry.effectiveHealth(ofPeerAt: $0).countsAsHealthy }
        let answeringPrimary = selected.contains { config.peers[$0].role == .primary }
        for (index, peer) in config.peers.enumerated() {
            let host = peer.host.description
            let override = overrides[host]
            if selected.contains(index) {
                answering.append(Included(peer: host, why: Explanation.inclusion(registry, index, override, failingOpen)))
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
                let cause = monitor?.records[index].cause?.description ?? "failed its probes"
                leftOut.append(LeftOut(peer: host, reason: "down", detail: cause))
            } else if peer.role == .secondary && answeringPrimary {
                leftOut.append(LeftOut(peer: host, reason: "secondary", detail: "a primary is up; secondaries answer only when none is"))
            } else {
                leftOut.append(LeftOut(peer: host, reason: "down", detail: "not answered"))
            }
        }
    }

    private static func inclusion(_ registry: Registry, _ index: Int, _ override: Override?, _ failingOpen: Bool) -> String {
        if failingOpen { return "fail open: no selected peer is healthy, so every selected peer is answered" }
        switch registry.override(ofPeerAt: index) {
        case .up: return "forced up: \(describe(override))"
        case .drain: return "drained, but answered by fail open"
        case nil: return registry.health(ofPeerAt: index) == .unknown ? "not probed yet (counts as up)" : "up"
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
