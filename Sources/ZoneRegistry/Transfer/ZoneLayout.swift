/// The names of one registry zone's transferred records (SPEC §10), prepared once per
/// configuration: which `ns` names and peers lie in the zone, the service names `N.Z`, `*.Z`.
///
/// Records are made from it and a selection. What depends on the selection (address records,
/// service NS, CNAMEs) is kept apart from what does not, so that a health change is diffed
/// from the selection alone, without listing the whole zone.
struct ZoneLayout {
    let registry: Registry
    let zone: Int
    let zoneName: WireName
    private let wildcard: WireName
    /// Each `names` entry as a label (for CNAME targets) and as `N.Z`.
    private let services: [(label: DomainName, name: WireName)]
    /// `ns` names inside the zone: only their addresses are the zone's data (RFC 5936 §3.5).
    private let nameServersInZone: [Int]
    private let peersInZone: [Int]

    init(registry: Registry, zone: Int) {
        self.registry = registry
        self.zone = zone
        let config = registry.config
        let zoneDomain = config.zones[zone]
        zoneName = registry.zones[zone].name
        wildcard = WireName(DomainName(uncheckedWire: [1, UInt8(ascii: "*")] + zoneDomain.wire))
        services = config.serviceNames.compactMap { text in
            guard let label = try? DomainName(parsing: text) else { return nil }
            let wire = Array(label.wire.dropLast()) + zoneDomain.wire
            return wire.count <= WireLimit.maxNameLength ? (label, WireName(DomainName(uncheckedWire: wire))) : nil
        }
        nameServersInZone = config.nameServers.indices.filter { config.nameServers[$0].name.isSubdomain(of: zoneDomain) }
        // A peer below a longer zone of the same registry belongs to that zone.
        peersInZone = config.peers.indices.filter { index in
            let host = config.peers[index].host
            return host.isSubdomain(of: zoneDomain)
                && !config.zones.contains { $0 != zoneDomain && $0.isSubdomain(of: zoneDomain) && host.isSubdomain(of: $0) }
        }
    }

    private var ttl: UInt32 { registry.config.ttl }

    func soa(serial: UInt32) -> ResourceRecord {
        let zone = registry.zones[self.zone]
        let timers = registry.config.soaTimers
        return ResourceRecord(owner: zoneName, ttl: ttl, data: .soa(SOAValue(
            mname: zone.primaryNameServer, rname: zone.responsibleMailbox, serial: serial,
            refresh: timers.refresh, retry: timers.retry, expire: timers.expire, minimum: ttl)))
    }

    /// Apex NS with the in-zone `ns` addresses, and each peer's delegation `H NS H` with glue.
    func staticRecords(into records: inout [ResourceRecord]) {
        let config = registry.config
        for server in config.nameServers.indices {
            records.append(ResourceRecord(owner: zoneName, ttl: ttl, data: .ns(registry.nameServerNames[server])))
        }
        for server in nameServersInZone {
            let owner = registry.nameServerNames[server]
            for address in config.nameServers[server].ipv4 { records.append(ResourceRecord(owner: owner, ttl: ttl, data: .a(address))) }
            for address in config.nameServers[server].ipv6 { records.append(ResourceRecord(owner: owner, ttl: ttl, data: .aaaa(address))) }
        }
        for peer in peersInZone {
            let host = registry.peerNames[peer]
            records.append(ResourceRecord(owner: host, ttl: ttl, data: .ns(host)))
            appendAddresses(of: peer, owner: host, into: &records)
        }
    }

    /// What `peers` (selected) put in the zone: `Z` and `*.Z` A/AAAA in `address` mode,
    /// `N.Z NS H` for each service name in `delegate` mode.
    func selectedRecords(_ peers: [Int], into records: inout [ResourceRecord]) {
        switch registry.config.mode {
        case .address:
            // Peers may share an address, and an RRset holds each record once (RFC 2181 §5).
            for owner in [zoneName, wildcard] {
                var seen4 = Set<IPv4Address>(), seen6 = Set<IPv6Address>()
                for peer in peers {
                    let config = registry.config.peers[peer]
                    if let address = config.ipv4, seen4.insert(address).inserted {
                        records.append(ResourceRecord(owner: owner, ttl: ttl, data: .a(address)))
                    }
                    if let address = config.ipv6, seen6.insert(address).inserted {
                        records.append(ResourceRecord(owner: owner, ttl: ttl, data: .aaaa(address)))
                    }
                }
            }
        case .delegate:
            for (_, owner) in services {
                for peer in peers { records.append(ResourceRecord(owner: owner, ttl: ttl, data: .ns(registry.peerNames[peer]))) }
            }
        case .cname:
            break
        }
    }

    /// `cname` mode: `N.Z CNAME N.H` for the first selected peer `H` (the registry's answer
    /// when its rotation starts at the top); a target over 255 bytes is left out, as the
    /// registry answers it YXDOMAIN.
    func cnameRecords(first peer: Int?, into records: inout [ResourceRecord]) {
        guard registry.config.mode == .cname, let peer else { return }
        let host = registry.config.peers[peer].host
        for (label, owner) in services {
            let wire = Array(label.wire.dropLast()) + host.wire
            guard wire.count <= WireLimit.maxNameLength else { continue }
            records.append(ResourceRecord(owner: owner, ttl: ttl,
                                          data: .cname(WireName(DomainName(uncheckedWire: wire)))))
        }
    }

    /// Every record but the SOA, for `selected`.
    func records(selected: [Int]) -> [ResourceRecord] {
        var records: [ResourceRecord] = []
        records.reserveCapacity(1 + peersInZone.count * 3 + selected.count * max(4, services.count))
        staticRecords(into: &records)
        selectedRecords(selected, into: &records)
        cnameRecords(first: selected.first, into: &records)
        return records
    }

    private func appendAddresses(of peer: Int, owner: WireName, into records: inout [ResourceRecord]) {
        let config = registry.config.peers[peer]
        if let address = config.ipv4 { records.append(ResourceRecord(owner: owner, ttl: ttl, data: .a(address))) }
        if let address = config.ipv6 { records.append(ResourceRecord(owner: owner, ttl: ttl, data: .aaaa(address))) }
    }
}
