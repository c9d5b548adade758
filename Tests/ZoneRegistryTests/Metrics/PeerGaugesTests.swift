import Logging
import Testing
@testable import ZoneRegistry

/// `peer_up` labels are kept per monitor between scrapes; a reload's new monitors must get
/// their own, never the labels of the monitors they replaced.
@Suite struct PeerGaugesTests {
    static func monitor(_ loop: EventLoop, zone: String, hosts: [(String, PeerRole)]) throws -> HealthMonitor {
        let peers = hosts.map { host, role in
            var config = peer(host, role, v4: "127.0.9.42")
            config.probeProtocol = .tcp
            return config
        }
        let registry = Registry(config: registryConfig(zones: [zone], peers: peers), serial: 1, previous: nil)
        return try HealthMonitor(loop: loop, registry: registry, previous: nil, limiter: ProbeLimiter(),
                                 metrics: ProbeMetrics(), logger: Logger(label: "test"))
    }

    @Test func peerUpFollowsTheMonitorsOfEachScrape() throws {
        let loop = try EventLoop()
        let gauges = PeerGauges()
        var a: HealthMonitor? = try Self.monitor(loop, zone: "a.example", hosts: [("p1.a.example", .primary), ("p2.a.example", .secondary)])
        var b: HealthMonitor? = try Self.monitor(loop, zone: "b.example", hosts: [("p1.b.example", .primary)])
        var first = PrometheusText()
        gauges.render(monitors: [a!, b!], into: &first)
        #expect(first.text == """
            # HELP coredns_zoneregistry_healthy_peers Number of healthy peers by role.
            # TYPE coredns_zoneregistry_healthy_peers gauge
            coredns_zoneregistry_healthy_peers{role="primary"} 2
            coredns_zoneregistry_healthy_peers{role="secondary"} 1
            # HELP coredns_zoneregistry_unhealthy_peers Number of unhealthy peers by role.
            # TYPE coredns_zoneregistry_unhealthy_peers gauge
            coredns_zoneregistry_unhealthy_peers{role="primary"} 0
            coredns_zoneregistry_unhealthy_peers{role="secondary"} 0
            # HELP coredns_zoneregistry_peer_up 1 when the peer is healthy (or not yet probed), 0 when down.
            # TYPE coredns_zoneregistry_peer_up gauge
            coredns_zoneregistry_peer_up{zone="a.example.",peer="p1.a.example.",role="primary"} 1
            coredns_zoneregistry_peer_up{zone="a.example.",peer="p2.a.example.",role="secondary"} 1
            coredns_zoneregistry_peer_up{zone="b.example.",peer="p1.b.example.",role="primary"} 1

            """)

        b = nil  // a reload: its replacement may be allocated where it was
        var c: HealthMonitor? = try Self.monitor(loop, zone: "c.example", hosts: [("p1.c.example", .secondary), ("p2.c.example", .primary)])
        var second = PrometheusText()
        gauges.render(monitors: [c!, a!], into: &second)
        #expect(second.text.hasSuffix("""
            coredns_zoneregistry_peer_up{zone="c.example.",peer="p1.c.example.",role="secondary"} 1
            coredns_zoneregistry_peer_up{zone="c.example.",peer="p2.c.example.",role="primary"} 1
            coredns_zoneregistry_peer_up{zone="a.example.",peer="p1.a.example.",role="primary"} 1
            coredns_zoneregistry_peer_up{zone="a.example.",peer="p2.a.example.",role="secondary"} 1

            """))
        // Released before the loop drains, so that their timers' close callbacks run and
        // nothing is left for LeakSanitizer (`make test-asan`).
        a = nil
        c = nil
        HealthMonitorStopTests.drain(loop)
    }
}
