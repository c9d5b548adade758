import Logging

/// Counts every query of one listener in the metrics and writes the `log` directive's line
/// for zones whose block asked for it. Built when the listener's configuration is set.
final class QueryObserver {
    /// What counting a query of one zone of the listener needs, resolved at configuration.
    private struct ZoneCounting {
        var slot: Int
        /// Where the block's registry zones start in `registrySlots`.
        var firstRegistrySlot: Int
        var log: Bool
        var errorLog: Bool
    }

    private let metrics: DNSMetrics
    private let zones: [ZoneCounting]
    /// The slot for queries no zone took.
    private let unmatchedSlot: Int
    /// Registry slots of every zone's block, concatenated.
    private let registrySlots: [Int]
    private let logger: Logger

    init(metrics: DNSMetrics, server: String, zones: [(zone: DomainName, block: ServerBlock)], logger: Logger) {
        self.metrics = metrics
        self.logger = logger
        var registrySlots: [Int] = []
        self.zones = zones.map { entry in
            let first = registrySlots.count
            registrySlots += entry.block.registry?.config.zones.map {
                metrics.registrySlot(server: server, zone: $0.description)
            } ?? []
            return ZoneCounting(slot: metrics.slot(server: server, zone: entry.zone.description),
                                firstRegistrySlot: first, log: entry.block.config.log,
                                errorLog: entry.block.config.errors)
        }
        self.registrySlots = registrySlots
        unmatchedSlot = metrics.slot(server: server, zone: "dropped")
    }

    /// Counts the query; the rare log line is written out of line, so that counting inlines
    /// into the listener's loop.
    @inline(__always)
    func observe(query: UnsafeRawBufferPointer, outcome: QueryOutcome, transport: Transport, client: ClientAddress, seconds: Double) {
        let ipv6: Bool
        if case .v6 = client { ipv6 = true } else { ipv6 = false }
        guard let zoneIndex = outcome.zoneIndex else {
            metrics.record(slot: unmatchedSlot, tcp: transport == .tcp, ipv6: ipv6, qtype: outcome.qtype,
                           rcode: outcome.rcode, answered: outcome.length > 0)
            return
        }
        let zone = zones[zoneIndex]
        metrics.record(slot: zone.slot, tcp: transport == .tcp, ipv6: ipv6, qtype: outcome.qtype, rcode: outcome.rcode,
                       answered: outcome.length > 0)
        if let registryZone = outcome.registryZoneIndex {
            metrics.recordRegistry(slot: registrySlots[zone.firstRegistrySlot + registryZone], seconds: seconds)
        }
        if zone.log || (zone.errorLog && outcome.rcode == 2) {
            log(query: query, outcome: outcome, transport: transport, client: client, seconds: seconds, zone: zone)
        }
    }

    @inline(never)
    private func log(query: UnsafeRawBufferPointer, outcome: QueryOutcome, transport: Transport, client: ClientAddress,
                     seconds: Double, zone: ZoneCounting) {
        if zone.log {
            logger.info("\(QueryLogLine.format(qname: outcome.qname(in: query), querySize: query.count, outcome: outcome, transport: transport, client: client, seconds: seconds))")
        } else {
            // CoreDNS's errors plugin: `plugin/errors: RCODE NAME TYPE: cause`.
            logger.error("plugin/errors: 2 \(outcome.qname(in: query)) \(QueryLogLine.typeName(outcome.qtype)): no selected peer is healthy and fail_open is off")
        }
    }
}
