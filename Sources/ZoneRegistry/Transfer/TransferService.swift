import Logging

/// Every transferred zone of the running configuration (SPEC §10): hooks each registry's
/// serial changes to the journal and NOTIFY, and gives each server block its transfer
/// responder. Zones keep their journal across reloads, matched by name.
///
/// Loop-owned, one per daemon.
final class TransferService {
    let metrics = TransferMetrics()
    private let logger = Logger(label: "plugin/transfer")
    private let notifier: NotifySender
    private var zones: [DomainName: (transfer: ZoneTransfer, sources: [ListenHost])] = [:]
    private let flushTimer: LoopTimer
    private var flushScheduled = false

    init(loop: EventLoop) {
        notifier = NotifySender(loop: loop, metrics: metrics, logger: logger)
        flushTimer = LoopTimer(loop: loop)
        flushTimer.setAction { [unowned self] in
            self.flushScheduled = false
            self.flush()
        }
    }

    /// Takes over the blocks of a configuration just applied.
    func attach(_ blocks: [ServerBlock]) {
        var next: [DomainName: (transfer: ZoneTransfer, sources: [ListenHost])] = [:]
        for block in blocks {
            guard let registry = block.registry, !block.config.transfers.isEmpty else { continue }
            let responder = BlockTransfers()
            for config in block.config.transfers {
                for zone in config.zones {
                    guard let index = registry.config.zones.firstIndex(of: zone) else { continue }
                    let transfer: ZoneTransfer
                    if let existing = zones[zone]?.transfer {
                        existing.attach(registry: registry, zone: index, config: config)
                        transfer = existing
                    } else {
                        transfer = ZoneTransfer(registry: registry, zone: index, config: config, metrics: metrics, logger: logger)
                        // A secondary holding an older copy from before a restart learns of this one now.
                        notifier.notify(transfer, sources: block.config.bind)
                    }
                    transfer.keyring = block.tsig?.keyring ?? TSIGKeyring()
                    next[zone] = (transfer, block.config.bind)
                    responder.zones[index] = transfer
                }
            }
            block.transfers = responder
            registry.onSerialChange = { [unowned self] in self.scheduleFlush() }
        }
        for zone in zones.keys where next[zone] == nil { notifier.cancel(zone: zone) }
        zones = next
        flush()
    }

    /// Transfer responders for `blocks` on their own: no NOTIFY, no journal kept across
    /// configurations (the DNS fuzzer answers transfers with them).
    static func standaloneResponders(for blocks: [ServerBlock], metrics: TransferMetrics, logger: Logger) {
        for block in blocks {
            guard let registry = block.registry, !block.config.transfers.isEmpty else { continue }
            let responder = BlockTransfers()
            for config in block.config.transfers {
                for zone in config.zones {
                    guard let index = registry.config.zones.firstIndex(of: zone) else { continue }
                    responder.zones[index] = ZoneTransfer(registry: registry, zone: index, config: config,
                                                          metrics: metrics, logger: logger)
                }
            }
            block.transfers = responder
        }
    }

    /// Serial changes are journalled once per loop turn: a probe round that takes several
    /// peers down in one turn makes one journal entry and one NOTIFY.
    private func scheduleFlush() {
        guard !flushScheduled else { return }
        flushScheduled = true
        flushTimer.rearm(after: 0)
    }

    private func flush() {
        for (transfer, sources) in zones.values where transfer.refresh() {
            notifier.notify(transfer, sources: sources)
        }
    }

    func stop() {
        flushTimer.close()
        notifier.cancel()
    }

    func render(into text: inout PrometheusText) {
        metrics.render(into: &text)
    }
}
