import Logging

/// Counts every query of one listener in the metrics and writes the `log` directive's line
/// for zones whose block asked for it. Built when the listener's configuration is set.
final class QueryObserver {
    private let metrics: DNSMetrics
    /// Metric slot per zone index of the listener's responder, and one for queries no zone took.
    private let slots: [Int]
    private let unmatchedSlot: Int
    private let logs: [Bool]
    private let errorLogs: [Bool]
    private let logger: Logger

    init(metrics: DNSMetrics, server: String, zones: [(zone: DomainName, block: ServerBlock)], logger: Logger) {
        self.metrics = metrics
        self.logger = logger
        slots = zones.map { entry in
            metrics.slot(server: server, zone: entry.zone.description, isRegistry: entry.block.registry.map { registry in
                registry.config.zones.contains { entry.zone.isSubdomain(of: $0) || $0.isSubdomain(of: entry.zone) }
            } ?? false)
        }
        unmatchedSlot = metrics.slot(server: server, zone: "dropped", isRegistry: false)
        logs = zones.map(\.block.config.log)
        errorLogs = zones.map(\.block.config.errors)
    }

    func observe(query: UnsafeRawBufferPointer, outcome: QueryOutcome, transport: Transport, client: ClientAddress, seconds: Double) {
        let slot = outcome.zoneIndex.map { slots[$0] } ?? unmatchedSlot
        let ipv6: Bool
        if case .v6 = client { ipv6 = true } else { ipv6 = false }
        metrics.record(slot: slot, tcp: transport == .tcp, ipv6: ipv6, qtype: outcome.qtype, rcode: outcome.rcode,
                       answered: outcome.length > 0, seconds: seconds)
        guard let zone = outcome.zoneIndex else { return }
        if logs[zone] {
            logger.info("\(QueryLogLine.format(qname: outcome.qname(in: query), querySize: query.count, outcome: outcome, transport: transport, client: client, seconds: seconds))")
        } else if errorLogs[zone] && outcome.rcode == 2 {
            logger.error("\(outcome.qname(in: query)) \(QueryLogLine.typeName(outcome.qtype)): SERVFAIL, no selected peer is healthy and fail_open is off")
        }
    }
}
