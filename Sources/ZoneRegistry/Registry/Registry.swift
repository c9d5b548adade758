/// The runtime state of one `zoneregistry` directive: its configuration, every peer's
/// health, the SOA serial, and the cached selection answers are built from.
///
/// Owned by the loop thread and only touched there (single-threaded, no locks). Health
/// changes come from the health state machine through `setHealth`; the answer path reads the
/// cached selection and advances the per-zone rotation.
final class Registry {
    let config: RegistryConfig
    private(set) var serial: UInt32 {
        didSet { onSerialChange?() }
    }
    /// Told of every serial change (zone transfers journal it and send NOTIFY, SPEC §10). It
    /// may run before the selection is recomputed, so it only schedules its work.
    var onSerialChange: (() -> Void)?

    /// Prepared names, indexed like `config.zones`, `config.peers`, `config.nameServers`.
    let zones: [RegistryZone]
    let peerNames: [WireName]
    let nameServerNames: [WireName]
    let peerIndex: NameIndex
    let nameServerIndex: NameIndex
    /// Fallthrough zones prepared for matching; empty when fallthrough covers every zone.
    let fallthroughZones: [WireName]

    private var healths: [PeerHealth]
    private var selection: Selection

    init(config: RegistryConfig, serial: UInt32, previous: Registry?) {
        self.config = config
        zones = config.zones.map { RegistryZone(zone: $0, nameServers: config.nameServers) }
        peerNames = config.peers.map { WireName($0.host) }
        nameServerNames = config.nameServers.map { WireName($0.name) }
        peerIndex = NameIndex(peerNames)
        nameServerIndex = NameIndex(nameServerNames)
        fallthroughZones = (config.fallthroughZones ?? []).map(WireName.init)
        selection = Selection(config: config)

        healths = [PeerHealth](repeating: .unknown, count: config.peers.count)
        if let previous {
            // SPEC §7: a reload keeps the health of peers whose host is unchanged.
            var kept: [DomainName: PeerHealth] = [:]
            for (index, peer) in previous.config.peers.enumerated() { kept[peer.host] = previous.healths[index] }
            for (index, peer) in config.peers.enumerated() { healths[index] = kept[peer.host] ?? .unknown }
            self.serial = max(serial, previous.serial &+ 1)
        } else {
            self.serial = serial
        }
        selection.recompute(healths: healths)
    }

    func health(ofPeerAt index: Int) -> PeerHealth {
        healths.indices.contains(index) ? healths[index] : .unknown
    }

    /// Returns true when the set of healthy peers changed; then the SOA serial is bumped and
    /// cached selections are recomputed. `unknown` → `up` changes nothing an answer shows.
    @discardableResult
    func setHealth(_ health: PeerHealth, ofPeerAt index: Int) -> Bool {
        guard healths.indices.contains(index) else { return false }
        let before = healths[index].countsAsHealthy
        healths[index] = health
        guard before != health.countsAsHealthy else { return false }
        serial &+= 1
        selection.recompute(healths: healths)
        return true
    }

    /// The peers answered now, in configuration order (before rotation).
    var selectedPeers: [Int] { selection.selected }

    var selectedWithIPv4: Int { selection.selectedWithIPv4 }
    var selectedWithIPv6: Int { selection.selectedWithIPv6 }

    /// Starts one query's rotated round in zone `zone` (index into `config.zones`); nil
    /// means SERVFAIL.
    @inline(__always)
    func nextRound(inZone zone: Int) -> SelectionRound? { selection.nextRound(inZone: zone) }

    func peer(at position: Int, of round: SelectionRound) -> Int { selection.peer(at: position, of: round) }
}
