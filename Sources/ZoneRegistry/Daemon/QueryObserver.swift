import Logging

/// Counts every query of one listener in the metrics and writes the `log` directive's line
/// for zones whose block asked for it. Built when the listener's configuration is set.
final class QueryObserver {
    private let metrics: DNSMetrics
    /// Metric slot per zone index of the listener's responder, and one for queries no zone took.
    private let slots: [Int]
    private let unmatchedSlot: Int
    /// Per zone index of the listener, the registry slot of each of that block's registry
    /// zones (empty when the block has no registry).
    private let registrySlots: [[Int]]
    private let logs: [Bool]
    private let errorLogs: [Bool]
    private let logger: Logger

    init(metrics: DNSMetrics, server: String, zones: [(zone: DomainName, block: ServerBlock)], logger: Logger) {
        self.metrics = metrics
        self.logger = logger
        slots = zones.map { metrics.slot(server: server, zone: $0.zone.description) }
        registrySlots = zones.map { entry in
            entry.block.registry?.config.zones.map { metrics.registrySlot(server: server, zone: $0.description) } ?? []
        }
        unmatchedSlot = metrics.slot(server: server, zone: "dropped")
        logs = zones.map(\.block.config.log)
        errorLogs = zones.map(\.block.config.errors)
    }

    func observe(query: UnsafeRawBufferPointer, outcome: QueryOutcome, transport: Transport, client: ClientAddress, seconds: Double) {
        let slot = outcome.zoneIndex.map { slots[$0] } ?? unmatchedSlot
        let ipv6: Bool
        if case .v6 = client { ipv6 = true } else { ipv6 = false }
        metrics.record(slot: slot, tcp: transport == .tcp, ipv6: ipv6, qtype: outcome.qtype, rcode: outcome.rcode,
                       answered: outcome.length > 0)
        guard let zone = outcome.zoneIndex else { return }
        if let registryZone = outcome.registryZoneIndex {
            metrics.recordRegistry(slot: registrySlots[zone][registryZone], seconds: seconds)
        }
        if logs[zone] {
            logger.info("\(QueryLogLine.format(qname: outcome.qname(in: query), querySize: query.count, outcome: outcome, transport: transport, client: client, seconds: seconds))")
        } else if errorLogs[zone] && outcome.rcode == 2 {
            // CoreDNS's errors plugin: `plugin/errors: RCODE NAME TYPE: cause`.
            logger.error("plugin/errors: 2 \(outcome.qname(in: query)) \(QueryLogLine.typeName(outcome.qtype)): no selected peer is healthy and fail_open is off")
        }
    }
}
