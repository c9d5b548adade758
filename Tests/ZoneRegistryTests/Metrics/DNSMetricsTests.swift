import Testing
@testable import ZoneRegistry

@Suite struct DNSMetricsTests {
    @Test func everyMonitoredTypeCountsUnderItsOwnLabelAndTheRestAsOther() {
        let metrics = DNSMetrics()
        let slot = metrics.slot(server: "dns://:53", zone: "example.org.")
        for (qtype, _) in DNSMetrics.typeNames {
            metrics.record(slot: slot, tcp: false, ipv6: false, qtype: qtype, rcode: 0, answered: true)
        }
        metrics.record(slot: slot, tcp: false, ipv6: false, qtype: 99, rcode: 0, answered: true)
        metrics.record(slot: slot, tcp: false, ipv6: false, qtype: 256, rcode: 0, answered: true)
        var text = PrometheusText()
        metrics.render(into: &text)
        for (_, name) in DNSMetrics.typeNames {
            #expect(text.text.contains("proto=\"udp\",family=\"1\",type=\"\(name)\"} 1\n"), "type \(name)")
        }
        #expect(text.text.contains("type=\"other\"} 2\n"))
    }
}
