/// Which address records an answer carries: A, AAAA, or both for QTYPE ANY.
enum AddressFamily {
    case v4, v6, both

    init?(_ qtype: RecordType) {
        switch qtype {
        case .a: self = .v4
        case .aaaa: self = .v6
        case .any: self = .both
        default: return nil
        }
    }

    var includesV4: Bool { self != .v6 }
    var includesV6: Bool { self != .v4 }
}

/// What the registry answers for one question, one case per row of the SPEC §4 table.
/// Decided before anything is written, so that NODATA and SERVFAIL can fall through to the
/// next handler instead.
enum RegistryPlan {
    case soa
    case apexNameServers
    /// `address` mode, at the apex or at a service name.
    case selectedAddresses(AddressFamily, SelectionRound)
    case nameServerAddresses(Int, AddressFamily)
    /// The query is at or below a peer host; `hostOffset` is where H starts in the question.
    case peerReferral(peer: Int, hostOffset: Int)
    /// `delegate` mode: `L.Z NS H` for each selected H; `cutOffset` is where L.Z starts.
    case serviceReferral(cutOffset: Int, SelectionRound)
    /// `cname` mode: the query's labels above Z (`prefixLength` bytes) followed by `peer`.
    case cname(prefixLength: Int, peer: Int)
    case noData
    case serverFailure
    /// The CNAME target would exceed 255 bytes: YXDOMAIN, as for DNAME (RFC 6672 §2.2).
    case targetTooLong
    /// AXFR/IXFR: zone transfer is not offered (SPEC §9).
    case notImplemented

    var fallsThrough: Bool {
        switch self {
        case .noData, .serverFailure: return true
        default: return false
        }
    }
}

extension RegistryPlan {
    /// Classifies a question whose name lies in zone `zone` of `registry`.
    ///
    /// QTYPE ANY (RFC 8482): the apex answers its SOA alone; an address-bearing name answers
    /// its A and AAAA records; referrals and CNAMEs are the same as for any other type.
    static func classify(_ name: NameBuffer, qtype: RecordType, zone: Int, in registry: Registry) -> RegistryPlan {
        if qtype == .axfr || qtype == .ixfr { return .notImplemented }
        let zoneLabel = name.labelCount - registry.zones[zone].name.labelCount
        if zoneLabel == 0 { return apex(qtype: qtype, zone: zone, in: registry) }

        if let server = registry.nameServerIndex.lookup(name, fromLabel: 0) {
            let config = registry.config.nameServers[server]
            guard let family = AddressFamily(qtype),
                  (family.includesV4 && !config.ipv4.isEmpty) || (family.includesV6 && !config.ipv6.isEmpty)
            else { return .noData }
            return .nameServerAddresses(server, family)
        }

        // Most specific first, so that a peer host below another one wins.
        for label in 0..<zoneLabel {
            guard let peer = registry.peerIndex.lookup(name, fromLabel: label) else { continue }
            // DS belongs to the parent side of the cut (RFC 4035 §3.1.4.1): we have none.
            if qtype == .ds && label == 0 { return .noData }
            return .peerReferral(peer: peer, hostOffset: WireLimit.headerSize + name.labelStarts[label])
        }
        return service(name, qtype: qtype, zone: zone, zoneLabel: zoneLabel, in: registry)
    }

    private static func apex(qtype: RecordType, zone: Int, in registry: Registry) -> RegistryPlan {
        switch qtype {
        case .soa, .any:
            return .soa
        case .ns:
            return registry.config.nameServers.isEmpty ? .noData : .apexNameServers
        case .a, .aaaa:
            guard registry.config.mode == .address, let family = AddressFamily(qtype) else { return .noData }
            return selectedAddresses(family, zone: zone, in: registry)
        default:
            return .noData
        }
    }

    private static func service(_ name: NameBuffer, qtype: RecordType, zone: Int, zoneLabel: Int,
                                in registry: Registry) -> RegistryPlan {
        switch registry.config.mode {
        case .delegate:
            if qtype == .ds && zoneLabel == 1 { return .noData }
            guard let round = registry.nextRound(inZone: zone) else { return .serverFailure }
            return .serviceReferral(cutOffset: WireLimit.headerSize + name.labelStarts[zoneLabel - 1], round)
        case .address:
            guard let family = AddressFamily(qtype) else { return .noData }
            return selectedAddresses(family, zone: zone, in: registry)
        case .cname:
            guard let round = registry.nextRound(inZone: zone) else { return .serverFailure }
            let peer = registry.peer(at: 0, of: round)
            let prefixLength = name.labelStarts[zoneLabel]
            guard prefixLength + registry.peerNames[peer].wire.count <= WireLimit.maxNameLength else {
                return .targetTooLong
            }
            return .cname(prefixLength: prefixLength, peer: peer)
        }
    }

    private static func selectedAddresses(_ family: AddressFamily, zone: Int, in registry: Registry) -> RegistryPlan {
        if registry.selectedPeers.isEmpty { return .serverFailure }
        let available = (family.includesV4 ? registry.selectedWithIPv4 : 0)
            + (family.includesV6 ? registry.selectedWithIPv6 : 0)
        guard available > 0, let round = registry.nextRound(inZone: zone) else { return .noData }
        return .selectedAddresses(family, round)
    }
}

extension RegistryPlan {
    /// How many rotation starts the answer has when it follows the zone's round-robin; nil
    /// when it does not rotate.
    var rotationCount: Int? {
        switch self {
        case .selectedAddresses(_, let round), .serviceReferral(_, let round): return round.count
        default: return nil
        }
    }

    /// The same answer for the round starting at `start`.
    func rotated(to start: Int) -> RegistryPlan {
        switch self {
        case .selectedAddresses(let family, let round):
            return .selectedAddresses(family, SelectionRound(start: start, count: round.count))
        case .serviceReferral(let cutOffset, let round):
            return .serviceReferral(cutOffset: cutOffset, SelectionRound(start: start, count: round.count))
        default:
            return self
        }
    }

    /// Whether the bytes written depend only on the lowercased question and the registry's
    /// state. Not so in `cname` mode: the target copies the question's labels in the client's
    /// case, and whether it is too long depends on which peer the rotation put first.
    var isTemplatable: Bool {
        switch self {
        case .cname, .targetTooLong: return false
        default: return true
        }
    }
}
