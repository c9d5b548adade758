import Foundation
import Testing

/// SPEC §6 as a Prometheus server scrapes it: the exposition passes `promtool check metrics`,
/// and the values move as queries arrive and peers die. Block `.` holds the registry for
/// `service.example.test` and `whoami` for every other name; the peers are real health
/// endpoints on 127.0.5.31–33.
@Suite(.serialized) final class MetricsEndToEndTests {
    static let corefile = """
        .:PORT {
            bind 127.0.5.30
            whoami
            prometheus 127.0.5.30:9153
            zoneregistry service.example.test {
                interval 1
                timeout 500ms
                peer prod1.service.example.test {
                    ipv4 127.0.5.31
                }
                peer prod2.service.example.test {
                    ipv4 127.0.5.32
                }
                peer dev1.service.example.test {
                    role secondary
                    ipv4 127.0.5.33
                }
            }
        }
        """
    static let endpoint = "127.0.5.30:9153"

    let peers: [PeerProcess]
    let daemon: DaemonProcess
    var server: String { "dns://127.0.5.30:\(daemon.port)" }

    init() throws {
        peers = try ["127.0.5.31", "127.0.5.32", "127.0.5.33"].map { try PeerProcess(address: $0) }
        daemon = try DaemonProcess(corefile: Self.corefile)
        #expect(try eventually(timeout: 3) {
            try MetricsScrape.scrape(Self.endpoint).sum("coredns_zoneregistry_peer_transitions_total", ["to": "up"]) == 3
        })
    }

    func dig(_ name: String, _ type: String = "A", options: [String] = []) throws -> DigAnswer {
        try Dig.query(name, type, port: daemon.port, server: "127.0.5.30", options: options)
    }

    @Test func aLiveScrapePassesPromtoolWithEveryFamily() throws {
        _ = try dig("app.service.example.test")
        _ = try dig("app.service.example.test", "AAAA", options: ["+tcp"])
        _ = try dig("example.org", "TXT")
        _ = try dig("service.example.test", "SOA", options: ["+header-only"])
        _ = try dig("service.example.test", "SOA", options: ["+edns=1", "+noednsnegotiation"])
        let scrape = try MetricsScrape.scrape(Self.endpoint)
        let check = try Promtool.checkMetrics(scrape.text)
        #expect(check.status == 0, "\(check.output)")
        #expect(check.output.isEmpty, "\(check.output)")
        for family in ["coredns_zoneregistry_query_count_total", "coredns_zoneregistry_response_duration_seconds",
                       "coredns_zoneregistry_healthy_peers", "coredns_zoneregistry_unhealthy_peers",
                       "coredns_zoneregistry_peer_up", "coredns_zoneregistry_probe_duration_seconds",
                       "coredns_zoneregistry_peer_transitions_total", "coredns_dns_requests_total",
                       "coredns_dns_responses_total", "coredns_build_info", "coredns_zoneregistry_loop_handles",
                       "process_open_fds", "process_resident_memory_bytes"] {
            #expect(scrape.text.contains("# TYPE \(family) "), "\(family)")
        }
        #expect(scrape.series("coredns_build_info", ["version": "0.1.0"]).map(\.value) == [1])
        #expect(scrape.sum("process_resident_memory_bytes") > 1_048_576)
        #expect(scrape.sum("coredns_dns_responses_total", ["server": server, "rcode": "FORMERR"]) == 1)
        #expect(scrape.sum("coredns_dns_responses_total", ["server": server, "rcode": "BADVERS"]) == 1)
    }

    @Test func queryCountersGrowWithQueriesAndOnlyRegistryAnswersCountUnderTheRegistryZone() throws {
        let before = try MetricsScrape.scrape(Self.endpoint)
        for _ in 0..<5 { _ = try dig("www.app.service.example.test") }
        for _ in 0..<3 { _ = try dig("app.service.example.test", "AAAA", options: ["+tcp"]) }
        // Same block `.`, outside the registry's zone: whoami answers, not the registry.
        for _ in 0..<4 { _ = try dig("example.org", "TXT") }
        let after = try MetricsScrape.scrape(Self.endpoint)

        func grew(_ name: String, _ labels: [String: String]) -> Double {
            after.sum(name, labels) - before.sum(name, labels)
        }
        let block = ["server": server, "zone": "."]
        #expect(grew("coredns_dns_requests_total", block.merging(["proto": "udp", "family": "1", "type": "A"]) { $1 }) == 5)
        #expect(grew("coredns_dns_requests_total", block.merging(["proto": "tcp", "family": "1", "type": "AAAA"]) { $1 }) == 3)
        #expect(grew("coredns_dns_requests_total", block.merging(["proto": "udp", "type": "TXT"]) { $1 }) == 4)
        #expect(grew("coredns_dns_responses_total", block.merging(["rcode": "NOERROR"]) { $1 }) == 12)

        let registry = ["server": server, "zone": "service.example.test."]
        #expect(grew("coredns_zoneregistry_query_count_total", registry) == 8)
        #expect(grew("coredns_zoneregistry_response_duration_seconds_count", registry) == 8)
        #expect(after.series("coredns_zoneregistry_query_count_total").map { $0.labels["zone"] } == ["service.example.test."])
    }

    @Test func peerUpFallsToZeroAndATransitionIsCountedWhenAPeerDiesAndComesBack() throws {
        let prod1 = ["zone": "service.example.test.", "peer": "prod1.service.example.test."]
        let before = try MetricsScrape.scrape(Self.endpoint)
        #expect(before.series("coredns_zoneregistry_peer_up", prod1).map(\.value) == [1])
        #expect(before.series("coredns_zoneregistry_peer_up", prod1).first?.labels["role"] == "primary")
        #expect(before.sum("coredns_zoneregistry_healthy_peers", ["role": "primary"]) == 2)
        #expect(before.sum("coredns_zoneregistry_peer_transitions_total", prod1.merging(["to": "down"]) { $1 }) == 0)

        peers[0].stop()
        #expect(try eventually(timeout: 3) {
            try MetricsScrape.scrape(Self.endpoint).sum("coredns_zoneregistry_peer_up", prod1) == 0
        })
        let down = try MetricsScrape.scrape(Self.endpoint)
        #expect(down.sum("coredns_zoneregistry_peer_transitions_total", prod1.merging(["to": "down"]) { $1 }) == 1)
        #expect(down.sum("coredns_zoneregistry_healthy_peers", ["role": "primary"]) == 1)
        #expect(down.sum("coredns_zoneregistry_unhealthy_peers", ["role": "primary"]) == 1)
        #expect(down.sum("coredns_zoneregistry_healthy_peers", ["role": "secondary"]) == 1)
        #expect(down.sum("coredns_zoneregistry_probe_duration_seconds_count", prod1)
                > before.sum("coredns_zoneregistry_probe_duration_seconds_count", prod1))

        try peers[0].start()
        #expect(try eventually(timeout: 3) {
            try MetricsScrape.scrape(Self.endpoint).sum("coredns_zoneregistry_peer_up", prod1) == 1
        })
        let back = try MetricsScrape.scrape(Self.endpoint)
        #expect(back.sum("coredns_zoneregistry_peer_transitions_total", prod1.merging(["to": "up"]) { $1 }) == 2)
        #expect(back.sum("coredns_zoneregistry_unhealthy_peers") == 0)
    }

    /// An operator watching for leaks: TCP clients raise the handle and descriptor gauges, and
    /// once they hang up both return to where they were. Probes open handles for a moment, so
    /// the baseline is the lowest of a few scrapes and each comparison is polled.
    @Test func loopHandlesAndOpenFdsRiseWithTCPClientsAndReturnWhenTheyClose() throws {
        func gauges() throws -> (handles: Double, fds: Double) {
            let scrape = try MetricsScrape.scrape(Self.endpoint)
            return (scrape.sum("coredns_zoneregistry_loop_handles"), scrape.sum("process_open_fds"))
        }
        let samples = try (0..<5).map { _ in try gauges() }
        let baseline = (handles: samples.map(\.handles).min() ?? 0, fds: samples.map(\.fds).min() ?? 0)
        #expect(baseline.handles > 0 && baseline.fds > 0)

        var clients = try (0..<20).map { _ in try RawSocket.tcp("127.0.5.30", daemon.port) }
        #expect(try eventually(timeout: 3) {
            let now = try gauges()
            return now.handles >= baseline.handles + 20 && now.fds >= baseline.fds + 20
        })
        clients.removeAll()
        #expect(try eventually(timeout: 3) { try gauges() == baseline })
    }
}
