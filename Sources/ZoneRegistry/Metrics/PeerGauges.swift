/// Peer health gauges, read from the monitors at scrape time (nothing to keep in sync):
/// the plugin's `healthy_peers`/`unhealthy_peers` by role, and `peer_up` per peer.
/// A peer awaiting its first verdict counts as healthy, as it does in answers.
enum PeerGauges {
    static func render(monitors: [HealthMonitor], into text: inout PrometheusText) {
        var healthy: [PeerRole: Int] = [.primary: 0, .secondary: 0]
        var unhealthy: [PeerRole: Int] = [.primary: 0, .secondary: 0]
        var up: [([(String, String)], UInt64)] = []
        for monitor in monitors {
            let config = monitor.registry.config
            let zone = config.zones.first?.description ?? "."
            for (index, peer) in config.peers.enumerated() {
                let isUp = monitor.health(ofPeerAt: index) != .down
                if isUp { healthy[peer.role, default: 0] += 1 } else { unhealthy[peer.role, default: 0] += 1 }
                up.append(([("zone", zone), ("peer", peer.host.description), ("role", peer.role.rawValue)], isUp ? 1 : 0))
            }
        }
        text.family("coredns_zoneregistry_healthy_peers", .gauge, help: "Number of healthy peers by role.")
        for role in PeerRole.allCases {
            text.sample("coredns_zoneregistry_healthy_peers", [("role", role.rawValue)], UInt64(healthy[role] ?? 0))
        }
        text.family("coredns_zoneregistry_unhealthy_peers", .gauge, help: "Number of unhealthy peers by role.")
        for role in PeerRole.allCases {
            text.sample("coredns_zoneregistry_unhealthy_peers", [("role", role.rawValue)], UInt64(unhealthy[role] ?? 0))
        }
        text.family("coredns_zoneregistry_peer_up", .gauge, help: "1 when the peer is healthy (or not yet probed), 0 when down.")
        for (labels, value) in up {
            text.sample("coredns_zoneregistry_peer_up", labels, value)
        }
    }
}
