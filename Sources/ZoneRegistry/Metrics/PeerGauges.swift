/// Peer health gauges, read from the monitors at scrape time (nothing to keep in sync):
/// the plugin's `healthy_peers`/`unhealthy_peers` by role, and `peer_up` per peer.
/// A peer awaiting its first verdict counts as healthy, as it does in answers.
///
/// Loop-owned. Each monitor's `peer_up` labels are rendered once and kept while it runs: a
/// monitor's configuration never changes (a reload replaces the monitor), and naming 10,000
/// peers again on every scrape was a fifth of the time the loop spent on it.
final class PeerGauges {
    private struct MonitorLabels {
        weak var monitor: HealthMonitor?
        /// Per peer, in the configuration's order.
        var up: [PrometheusText.LabelSet]
    }

    private var labels: [ObjectIdentifier: MonitorLabels] = [:]

    func render(monitors: [HealthMonitor], into text: inout PrometheusText) {
        var healthy: [PeerRole: Int] = [.primary: 0, .secondary: 0]
        var unhealthy: [PeerRole: Int] = [.primary: 0, .secondary: 0]
        var current: [ObjectIdentifier: MonitorLabels] = [:]
        for monitor in monitors {
            // The identity check keeps a new monitor at a freed one's address from using its labels.
            let kept = labels[ObjectIdentifier(monitor)].flatMap { $0.monitor === monitor ? $0 : nil }
            current[ObjectIdentifier(monitor)] = kept ?? MonitorLabels(monitor: monitor, up: PeerGauges.upLabels(monitor))
            for (index, peer) in monitor.registry.config.peers.enumerated() {
                if monitor.health(ofPeerAt: index) != .down {
                    healthy[peer.role, default: 0] += 1
                } else {
                    unhealthy[peer.role, default: 0] += 1
                }
            }
        }
        labels = current
        text.family("coredns_zoneregistry_healthy_peers", .gauge, help: "Number of healthy peers by role.")
        for role in PeerRole.allCases {
            text.sample("coredns_zoneregistry_healthy_peers", [("role", role.rawValue)], UInt64(healthy[role] ?? 0))
        }
        text.family("coredns_zoneregistry_unhealthy_peers", .gauge, help: "Number of unhealthy peers by role.")
        for role in PeerRole.allCases {
            text.sample("coredns_zoneregistry_unhealthy_peers", [("role", role.rawValue)], UInt64(unhealthy[role] ?? 0))
        }
        text.family("coredns_zoneregistry_peer_up", .gauge, help: "1 when the peer is healthy (or not yet probed), 0 when down.")
        for monitor in monitors {
            guard let up = current[ObjectIdentifier(monitor)]?.up else { continue }
            for (index, labels) in up.enumerated() {
                text.sample("coredns_zoneregistry_peer_up", labels, monitor.health(ofPeerAt: index) != .down ? 1 as UInt64 : 0)
            }
        }
    }

    private static func upLabels(_ monitor: HealthMonitor) -> [PrometheusText.LabelSet] {
        let config = monitor.registry.config
        let zone = config.zones.first?.description ?? "."
        return config.peers.map { PrometheusText.LabelSet([("zone", zone), ("peer", $0.host.description), ("role", $0.role.rawValue)]) }
    }
}
