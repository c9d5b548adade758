/// Writes a `RegistryPlan` as records (SPEC §4). Owner names point into the question so that
/// they keep the query's case; configured names are compressed against what was written.
/// Every TTL is the registry's `ttl`. Glue that does not fit is left out without TC: a
/// resolver can still find the addresses (RFC 9471 allows only sibling glue to be dropped,
/// SPEC §4 chooses to drop all glue before truncating).
struct RegistryAnswerWriter {
    let registry: Registry
    let zone: Int
    let name: NameBuffer

    private var ttl: UInt32 { registry.config.ttl }
    private static let questionName = NameRef.pointer(WireLimit.headerSize)

    /// Where Z starts inside the question name.
    private var zoneOffset: Int {
        let zoneLabel = name.labelCount - registry.zones[zone].name.labelCount
        return WireLimit.headerSize + (zoneLabel == name.labelCount ? name.length - 1 : name.labelStarts[zoneLabel])
    }

    func write(_ plan: RegistryPlan, into writer: inout MessageWriter) -> HandlerAnswer {
        switch plan {
        case .soa:
            return answer(writer.append(.answer, owner: .pointer(zoneOffset), ttl: ttl, soa))
        case .apexNameServers:
            return apexNameServers(into: &writer)
        case .selectedAddresses(let family, let round):
            return selectedAddresses(family, round, into: &writer)
        case .nameServerAddresses(let server, let family):
            return nameServerAddresses(server, family, into: &writer)
        case .peerReferral(let peer, let hostOffset):
            return peerReferral(peer, hostOffset: hostOffset, into: &writer)
        case .serviceReferral(let cutOffset, let round):
            return serviceReferral(cutOffset: cutOffset, round, into: &writer)
        case .cname(let prefixLength, let peer):
            let target = NameRef.splice(start: WireLimit.headerSize, length: prefixLength,
                                        suffix: registry.peerNames[peer])
            return answer(writer.append(.answer, owner: Self.questionName, ttl: ttl, .cname(target)))
        case .noData:
            // RFC 2308 §2.2: NODATA carries the SOA in authority for negative caching.
            let fits = writer.append(.authority, owner: .pointer(zoneOffset), ttl: ttl, soa)
            return HandlerAnswer(rcode: .noError, authoritative: true, sectionsOverflowed: !fits)
        case .serverFailure:
            return HandlerAnswer(rcode: .servFail, authoritative: false)
        case .targetTooLong:
            return HandlerAnswer(rcode: .yxDomain, authoritative: true)
        case .notImplemented:
            return HandlerAnswer(rcode: .notImp, authoritative: false)
        }
    }

    private var soa: MessageWriter.RData {
        let zone = registry.zones[zone]
        // Refresh/retry/expire from `soa` (SPEC §10); the minimum is the negative-caching TTL (RFC 2308 §4).
        let timers = registry.config.soaTimers
        return .soa(.init(mname: .name(zone.primaryNameServer), rname: .name(zone.responsibleMailbox),
                          serial: registry.serial, refresh: timers.refresh, retry: timers.retry,
                          expire: timers.expire, minimum: ttl))
    }

    private func answer(_ fits: Bool) -> HandlerAnswer {
        HandlerAnswer(rcode: .noError, authoritative: true, sectionsOverflowed: !fits)
    }

    private func apexNameServers(into writer: inout MessageWriter) -> HandlerAnswer {
        let servers = registry.config.nameServers
        for index in servers.indices
        where !writer.append(.answer, owner: .pointer(zoneOffset), ttl: ttl, .ns(.name(registry.nameServerNames[index]))) {
            return answer(false)
        }
        glue: for index in servers.indices {
            let owner = NameRef.name(registry.nameServerNames[index])
            for address in servers[index].ipv4 where !writer.append(.additional, owner: owner, ttl: ttl, .a(address)) {
                break glue
            }
            for address in servers[index].ipv6 where !writer.append(.additional, owner: owner, ttl: ttl, .aaaa(address)) {
                break glue
            }
        }
        return answer(true)
    }

    private func nameServerAddresses(_ server: Int, _ family: AddressFamily,
                                     into writer: inout MessageWriter) -> HandlerAnswer {
        let config = registry.config.nameServers[server]
        if family.includesV4 {
            for address in config.ipv4 where !writer.append(.answer, owner: Self.questionName, ttl: ttl, .a(address)) {
                return answer(false)
            }
        }
        if family.includesV6 {
            for address in config.ipv6 where !writer.append(.answer, owner: Self.questionName, ttl: ttl, .aaaa(address)) {
                return answer(false)
            }
        }
        return answer(true)
    }

    private func selectedAddresses(_ family: AddressFamily, _ round: SelectionRound,
                                   into writer: inout MessageWriter) -> HandlerAnswer {
        let peers = registry.config.peers
        if family.includesV4 {
            for position in 0..<round.count {
                let peer = registry.peer(at: position, of: round)
                guard let address = peers[peer].ipv4, !registry.repeatsAddress(of: peer, v6: false) else { continue }
                if !writer.append(.answer, owner: Self.questionName, ttl: ttl, .a(address)) { return answer(false) }
            }
        }
        if family.includesV6 {
            for position in 0..<round.count {
                let peer = registry.peer(at: position, of: round)
                guard let address = peers[peer].ipv6, !registry.repeatsAddress(of: peer, v6: true) else { continue }
                if !writer.append(.answer, owner: Self.questionName, ttl: ttl, .aaaa(address)) { return answer(false) }
            }
        }
        return answer(true)
    }

    /// RFC 1034 §4.3.2 referral: not authoritative, NS in authority, glue in additional.
    private func peerReferral(_ peer: Int, hostOffset: Int, into writer: inout MessageWriter) -> HandlerAnswer {
        let host = NameRef.pointer(hostOffset)
        guard writer.append(.authority, owner: host, ttl: ttl, .ns(host)) else {
            return HandlerAnswer(rcode: .noError, authoritative: false, sectionsOverflowed: true)
        }
        writeGlue(for: peer, owner: host, into: &writer)
        return HandlerAnswer(rcode: .noError, authoritative: false)
    }

    private func serviceReferral(cutOffset: Int, _ round: SelectionRound,
                                 into writer: inout MessageWriter) -> HandlerAnswer {
        let cut = NameRef.pointer(cutOffset)
        var written = 0
        while written < round.count {
            let peer = registry.peer(at: written, of: round)
            guard writer.append(.authority, owner: cut, ttl: ttl, .ns(.name(registry.peerNames[peer]))) else { break }
            written += 1
        }
        // Only TCP gets here with a partial set (UDP truncates): it carries what 64 KiB holds.
        if written == 0 || written < round.count {
            return HandlerAnswer(rcode: .noError, authoritative: false, sectionsOverflowed: true)
        }
        for position in 0..<written {
            let peer = registry.peer(at: position, of: round)
            if !writeGlue(for: peer, owner: .name(registry.peerNames[peer]), into: &writer) { break }
        }
        return HandlerAnswer(rcode: .noError, authoritative: false)
    }

    @discardableResult
    private func writeGlue(for peer: Int, owner: NameRef, into writer: inout MessageWriter) -> Bool {
        let config = registry.config.peers[peer]
        if let address = config.ipv4, !writer.append(.additional, owner: owner, ttl: ttl, .a(address)) { return false }
        if let address = config.ipv6, !writer.append(.additional, owner: owner, ttl: ttl, .aaaa(address)) { return false }
        return true
    }
}
