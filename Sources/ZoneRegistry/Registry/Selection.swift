/// One query's view of the selection: `count` peers starting at a rotated position.
struct SelectionRound {
    let start: Int
    let count: Int
}

/// Which peers answer (SPEC §4): healthy primaries matching `select`; if none, healthy
/// secondaries; if none, every matching peer (`fail_open on`) or nobody, which is SERVFAIL.
/// A peer that matches no `select` label set is never answered, whatever its health.
///
/// The list is cached and recomputed only when health changes; each query only turns the
/// rotation of its zone by one position (round-robin), so answering allocates nothing.
struct Selection {
    private let matchingPeers: [Int]
    private let roles: [PeerRole]
    private let failOpen: Bool
    private let hasIPv4: [Bool]
    private let hasIPv6: [Bool]
    private let ipv4: [IPv4Address?]
    private let ipv6: [IPv6Address?]
    /// By peer: its address of that family is also another selected peer's, listed before it
    /// in `selected`, so an answer leaves it out: an RRset holds each record once (RFC 2181
    /// §5), and a zone transfer lists it once. Set with the selection, read per query.
    private(set) var repeatsIPv4: [Bool] = []
    private(set) var repeatsIPv6: [Bool] = []
    private(set) var selected: [Int] = []
    /// How many selected peers have an address of each family: an `address`-mode query of a
    /// family nobody has is NODATA, known without scanning the list.
    private(set) var selectedWithIPv4 = 0
    private(set) var selectedWithIPv6 = 0
    /// One round-robin counter per zone of the directive, on raw cells: turning an array
    /// element of a class's stored struct cost a uniqueness check and a retain per query.
    private let rotation = CounterCells<UInt64>()

    init(config: RegistryConfig) {
        roles = config.peers.map(\.role)
        failOpen = config.failOpen
        hasIPv4 = config.peers.map { $0.ipv4 != nil }
        hasIPv6 = config.peers.map { $0.ipv6 != nil }
        ipv4 = config.peers.map(\.ipv4)
        ipv6 = config.peers.map(\.ipv6)
        repeatsIPv4 = [Bool](repeating: false, count: config.peers.count)
        repeatsIPv6 = repeatsIPv4
        matchingPeers = config.peers.indices.filter { index in
            config.select.allSatisfy(config.peers[index].labels.contains)
        }
        _ = rotation.grow(by: config.zones.count)
        selected.reserveCapacity(config.peers.count)
    }

    mutating func recompute(healths: [PeerHealth]) {
        selected.removeAll(keepingCapacity: true)
        for role in [PeerRole.primary, .secondary] where selected.isEmpty {
            for index in matchingPeers where roles[index] == role && healths[index].countsAsHealthy {
                selected.append(index)
            }
        }
        if selected.isEmpty && failOpen { selected.append(contentsOf: matchingPeers) }
        selectedWithIPv4 = selected.reduce(0) { $0 + (hasIPv4[$1] ? 1 : 0) }
        selectedWithIPv6 = selected.reduce(0) { $0 + (hasIPv6[$1] ? 1 : 0) }
        var seen4 = Set<IPv4Address>(), seen6 = Set<IPv6Address>()
        for index in repeatsIPv4.indices {
            repeatsIPv4[index] = false
            repeatsIPv6[index] = false
        }
        for index in selected {
            if let address = ipv4[index], !seen4.insert(address).inserted { repeatsIPv4[index] = true }
            if let address = ipv6[index], !seen6.insert(address).inserted { repeatsIPv6[index] = true }
        }
    }

    /// Starts one query's round in zone `zone` (an index into `config.zones`), turning that
    /// zone's rotation by one. Nil means nobody is selected: SERVFAIL.
    @inline(__always)
    func nextRound(inZone zone: Int) -> SelectionRound? {
        guard !selected.isEmpty, zone >= 0, zone < rotation.count else { return nil }
        let start = Int(rotation[zone] % UInt64(selected.count))
        rotation.add(1, at: zone)
        return SelectionRound(start: start, count: selected.count)
    }

    /// The peer index at `position` of a rotated round.
    func peer(at position: Int, of round: SelectionRound) -> Int {
        let offset = round.start + position
        return selected[offset < round.count ? offset : offset - round.count]
    }
}
