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
    /// Operator overrides by peer (SPEC §11), set through `setOverride`; nil is `auto`.
    private var overrides: [OverrideState?]
    /// Fellow masters' votes per peer (SPEC §9, Registry+Votes.swift); nil without `quorum`
    /// or while every fellow is stale.
    private(set) var votes: PeerVotes?
    /// `effectiveHealth` of every peer as last computed: what the selection was built from.
    private var answered: [PeerHealth]
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
        overrides = [OverrideState?](repeating: nil, count: config.peers.count)
        answered = healths
        if let previous {
            // SPEC §7: a reload keeps the health of peers whose host is unchanged.
            var kept: [DomainName: PeerHealth] = [:]
            for (index, peer) in previous.config.peers.enumerated() { kept[peer.host] = previous.healths[index] }
            for (index, peer) in config.peers.enumerated() { healths[index] = kept[peer.host] ?? .unknown }
            answered = healths
            self.serial = max(serial, previous.serial &+ 1)
        } else {
            self.serial = serial
        }
        selection.recompute(healths: healths)
    }

    /// What the probes say, before any override.
    func health(ofPeerAt index: Int) -> PeerHealth {
        healths.indices.contains(index) ? healths[index] : .unknown
    }

    func override(ofPeerAt index: Int) -> OverrideState? {
        overrides.indices.contains(index) ? overrides[index] : nil
    }

    /// The one place an override and health combine into what answers use: a drain is down,
    /// a forced up is up, otherwise the probes' verdict combined with the fellow masters'
    /// votes (`votedHealth`, Registry+Votes.swift).
    func effectiveHealth(ofPeerAt index: Int) -> PeerHealth {
        switch override(ofPeerAt: index) {
        case .drain: .down
        case .up: .up
        case nil: votedHealth(ofPeerAt: index)
        }
    }

    /// Returns true when the set of healthy peers changed; then the SOA serial is bumped and
    /// cached selections are recomputed. `unknown` → `up` changes nothing an answer shows.
    @discardableResult
    func setHealth(_ health: PeerHealth, ofPeerAt index: Int) -> Bool {
        guard healths.indices.contains(index) else { return false }
        healths[index] = health
        return recombine(index..<(index + 1))
    }

    /// Takes the fellow masters' votes (nil: none, this master decides alone), as `setHealth`.
    @discardableResult
    func setVotes(_ votes: PeerVotes?) -> Bool {
        self.votes = votes
        return recombine(healths.indices)
    }

    /// Raises the serial to `candidate` when it is ahead (RFC 1982); never lowers it.
    func adoptSerial(_ candidate: UInt32) {
        if SerialNumber.isAhead(candidate, of: serial) { serial = candidate }
    }

    /// An operator's override (nil: back to `auto`); true when answers change, as `setHealth`.
    @discardableResult
    func setOverride(_ state: OverrideState?, ofPeerAt index: Int) -> Bool {
        guard overrides.indices.contains(index) else { return false }
        overrides[index] = state
        return recombine(index..<(index + 1))
    }

    /// Recomputes `effectiveHealth` for `peers`; when the healthy set changed, bumps the serial
    /// and rebuilds the selection.
    private func recombine(_ peers: Range<Int>) -> Bool {
        var changed = false
        for index in peers {
            let next = effectiveHealth(ofPeerAt: index)
            if next.countsAsHealthy != answered[index].countsAsHealthy { changed = true }
            answered[index] = next
        }
        guard changed else { return false }
        serial &+= 1
        selection.recompute(healths: answered)
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

    /// True when another selected peer already answers this peer's address of that family.
    @inline(__always)
    func repeatsAddress(of peer: Int, v6: Bool) -> Bool {
        v6 ? selection.repeatsIPv6[peer] : selection.repeatsIPv4[peer]
    }
}
