import Logging

/// One zone handed to secondaries (SPEC §10): the snapshot of what the registry answers now,
/// the journal of recent changes, and who may transfer it.
///
/// Loop-owned. Outlives reloads (the journal must span them); `attach` points it at the
/// registry of the new configuration. `refresh` records a new serial; it runs after every
/// serial change (deferred to the end of the loop turn) and before every transfer.
final class ZoneTransfer {
    let zone: DomainName
    let zoneLabel: String
    private(set) var config: TransferConfig
    private(set) var registry: Registry
    private(set) var layout: ZoneLayout
    private(set) var current: ZoneSnapshot
    private(set) var journal = TransferJournal()
    let metrics: TransferMetrics
    let logger: Logger
    /// The block's TSIG keys: NOTIFY is signed with the key a secondary last transferred
    /// with, or the block's only key (RFC 1996 has no key of its own).
    var keyring = TSIGKeyring()
    var keysSeen: [ListenHost: DomainName] = [:]

    /// The key NOTIFY to `host` is signed with; nil sends it unsigned.
    func notifyKey(for host: ListenHost) -> TSIGKey? {
        if let name = keysSeen[host], let key = keyring[name] { return key }
        return keyring.keys.count == 1 ? keyring.keys.values.first : nil
    }

    init(registry: Registry, zone index: Int, config: TransferConfig, metrics: TransferMetrics, logger: Logger) {
        zone = registry.config.zones[index]
        zoneLabel = zone.description
        self.config = config
        self.registry = registry
        layout = ZoneLayout(registry: registry, zone: index)
        current = ZoneSnapshot(layout: layout, serial: registry.serial, selected: registry.selectedPeers)
        self.metrics = metrics
        self.logger = logger
    }

    /// A reload: the same zone, served by `registry` under `config` from now on.
    func attach(registry: Registry, zone index: Int, config: TransferConfig) {
        self.config = config
        guard registry !== self.registry || index != layout.zone else { return }
        self.registry = registry
        layout = ZoneLayout(registry: registry, zone: index)
    }

    /// Brings the snapshot up to the registry's serial, journalling the change; true when
    /// the serial moved (time to NOTIFY).
    @discardableResult
    func refresh() -> Bool {
        guard registry.serial != current.serial || current.layout.registry !== registry else { return false }
        let next = ZoneSnapshot(layout: layout, serial: registry.serial, selected: registry.selectedPeers)
        let previous = current
        current = next
        guard next.serial != previous.serial else { return false }
        let (deleted, added) = next.changes(since: previous)
        journal.append(.init(from: previous.soa, to: next.soa, deleted: deleted, added: added))
        return true
    }
}
