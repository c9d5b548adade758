import Testing
@testable import ZoneRegistry

@Suite struct PrometheusTextTests {
    @Test func histogramBucketsAreCumulativeWithInfSumAndCount() {
        var histogram = Histogram(bounds: [0.1, 1])
        histogram.observe(0.05)
        histogram.observe(0.5)
        histogram.observe(5)
        var text = PrometheusText()
        text.family("x_seconds", .histogram, help: "Test.")
        text.histogram("x_seconds", [("zone", "a.")], histogram)
        #expect(text.text == """
            # HELP x_seconds Test.
            # TYPE x_seconds histogram
            x_seconds_bucket{zone="a.",le="0.1"} 1
            x_seconds_bucket{zone="a.",le="1"} 2
            x_seconds_bucket{zone="a.",le="+Inf"} 3
            x_seconds_sum{zone="a."} 5.55
            x_seconds_count{zone="a."} 3

            """)
    }

    @Test func labelValuesAreEscaped() {
        var text = PrometheusText()
        text.sample("m", [("l", "a\"b\\c\nd")], 1 as UInt64)
        #expect(text.text == "m{l=\"a\\\"b\\\\c\\nd\"} 1\n")
    }

    @Test func dnsMetricsCountPerTypeAndRcode() {
        let metrics = DNSMetrics()
        let slot = metrics.slot(server: "dns://127.0.0.1:53", zone: "example.test.")
        metrics.record(slot: slot, tcp: false, ipv6: false, qtype: 1, rcode: 0, answered: true)
        metrics.record(slot: slot, tcp: true, ipv6: true, qtype: 99, rcode: 5, answered: true)
        var text = PrometheusText()
        metrics.render(into: &text)
        #expect(text.text.contains("coredns_dns_requests_total{server=\"dns://127.0.0.1:53\",zone=\"example.test.\",proto=\"udp\",family=\"1\",type=\"A\"} 1\n"))
        #expect(text.text.contains("coredns_dns_requests_total{server=\"dns://127.0.0.1:53\",zone=\"example.test.\",proto=\"tcp\",family=\"2\",type=\"other\"} 1\n"))
        #expect(text.text.contains("coredns_dns_responses_total{server=\"dns://127.0.0.1:53\",zone=\"example.test.\",rcode=\"REFUSED\"} 1\n"))
    }

    @Test func registryQueriesAreCountedUnderTheRegistryZoneNotTheBlockZone() {
        let metrics = DNSMetrics()
        _ = metrics.slot(server: "dns://127.0.0.1:53", zone: ".")
        let registry = metrics.registrySlot(server: "dns://127.0.0.1:53", zone: "service.example.net.")
        #expect(metrics.registrySlot(server: "dns://127.0.0.1:53", zone: "service.example.net.") == registry)
        metrics.recordRegistry(slot: registry, seconds: 0.0001)
        metrics.recordRegistry(slot: registry, seconds: 0.0001)
        var text = PrometheusText()
        metrics.render(into: &text)
        #expect(text.text.contains("coredns_zoneregistry_query_count_total{server=\"dns://127.0.0.1:53\",zone=\"service.example.net.\"} 2\n"))
        #expect(text.text.contains("coredns_zoneregistry_response_duration_seconds_count{server=\"dns://127.0.0.1:53\",zone=\"service.example.net.\"} 2\n"))
        #expect(!text.text.contains("coredns_zoneregistry_query_count_total{server=\"dns://127.0.0.1:53\",zone=\".\"}"))
    }

    @Test func processGaugesLeaveOutWhatCouldNotBeRead() {
        var text = PrometheusText()
        ProcessGauges(openDescriptors: 12, residentBytes: nil, loopHandles: 7).render(into: &text)
        #expect(text.text.contains("process_open_fds 12\n"))
        #expect(!text.text.contains("process_resident_memory_bytes"))
        #expect(text.text.contains("# TYPE coredns_zoneregistry_loop_handles gauge\ncoredns_zoneregistry_loop_handles 7\n"))
    }
}
