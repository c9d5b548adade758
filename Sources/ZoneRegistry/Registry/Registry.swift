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

    /// This master's own verdicts (rise/fall applied), as `setHealth` reports them.
    private(set) var healths: [PeerHealth]
    /// What answers use: `healths` combined with the fellow masters' votes in
    /// `combinedHealth(ofPeerAt:)` (Registry+Votes.swift), the one place health is combined.
    private(set) var effectiveHealths: [PeerHealth]
    /// Fellow masters' votes per peer (SPEC §9); nil without `quorum`.
    private(set) var votes: PeerVotes?
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
        effectiveHealths = healths
        if let previous {
            // SPEC §7: a reload keeps the health of peers whose host is unchanged.
            var kept: [DomainName: PeerHealth] = [:]
            for (index, peer) in previous.config.peers.enumerated() { kept[peer.host] = previous.healths[index] }
            for (index, peer) in config.peers.enumerated() { healths[index] = kept[peer.host] ?? .unknown }
            effectiveHealths = healths
            self.serial = max(serial, previous.serial &+ 1)
        } else {
            self.serial = serial
        }
        selection.recompute(healths: effectiveHealths)
    }

    /// The health answers use for the peer (own verdict combined with votes).
    func health(ofPeerAt index: Int) -> PeerHealth {
        effectiveHealths.indices.contains(index) ? effectiveHealths[index] : .unknown
    }

    /// Takes this master's own verdict. Returns true when the set of healthy peers changed;
    /// then the SOA serial is bumped and cached selections are recomputed. `unknown` → `up`
    /// changes nothing an answer shows.
    @discardableResult
    func setHealth(_ health: PeerHealth, ofPeerAt index: Int) -> Bool {
        guard healths.indices.contains(index) else { return false }
        healths[index] = health
        return recombine(index..<(index + 1))
    }

    /// Takes the fellow masters' votes (nil: none, this master decides alone) and recombines.
    @discardableResult
    func setVotes(_ votes: PeerVotes?) -> Bool {
        self.votes = votes
        return recombine(healths.indices)
    }

    /// Raises the serial to `candidate` when it is ahead (RFC 1982); never lowers it.
    func adoptSerial(_ candidate: UInt32) {
        if SerialNumber.isAhead(candidate, of: serial) { serial = candidate }
    }

    private func recombine(_ peers: Range<Int>) -> Bool {
        var changed = false
        for index in peers {
            let next = combinedHealth(ofPeerAt: index)
            if next.countsAsHealthy != effectiveHealths[index].countsAsHealthy { changed = true }
            effectiveHealths[index] = next
        }
        guard changed else { return false }
        serial &+= 1
        selection.recompute(healths: effectiveHealths)
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
