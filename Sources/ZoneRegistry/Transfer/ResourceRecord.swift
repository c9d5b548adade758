/// One record of a transferred zone, independent of the configuration it came from, so that
/// the journal can compare the zone before and after a reload (RFC 1995 §4 diffs).
///
/// Names are `WireName`s shared with the registry's prepared names: making a record copies
/// references, not bytes.
struct ResourceRecord: Hashable {
    let owner: WireName
    let ttl: UInt32
    let data: RecordData

    static func == (lhs: ResourceRecord, rhs: ResourceRecord) -> Bool {
        lhs.owner.wire == rhs.owner.wire && lhs.ttl == rhs.ttl && lhs.data == rhs.data
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(owner.hash)
        hasher.combine(ttl)
        hasher.combine(data)
    }

    var type: RecordType {
        switch data {
        case .a: return .a
        case .aaaa: return .aaaa
        case .ns: return .ns
        case .cname: return .cname
        case .soa: return .soa
        }
    }

    /// Appends the record to the answer section (every record of a transfer goes there,
    /// RFC 5936 §2.2); false when it does not fit.
    func write(into writer: inout MessageWriter) -> Bool {
        let rdata: MessageWriter.RData
        switch data {
        case .a(let address): rdata = .a(address)
        case .aaaa(let address): rdata = .aaaa(address)
        case .ns(let target): rdata = .ns(.name(target))
        case .cname(let target): rdata = .cname(.name(target))
        case .soa(let soa):
            rdata = .soa(.init(mname: .name(soa.mname), rname: .name(soa.rname), serial: soa.serial,
                               refresh: soa.refresh, retry: soa.retry, expire: soa.expire, minimum: soa.minimum))
        }
        return writer.append(.answer, owner: .name(owner), ttl: ttl, rdata)
    }
}

enum RecordData: Hashable {
    case a(IPv4Address)
    case aaaa(IPv6Address)
    case ns(WireName)
    case cname(WireName)
    case soa(SOAValue)

    static func == (lhs: RecordData, rhs: RecordData) -> Bool {
        switch (lhs, rhs) {
        case (.a(let l), .a(let r)): return l == r
        case (.aaaa(let l), .aaaa(let r)): return l == r
        case (.ns(let l), .ns(let r)), (.cname(let l), .cname(let r)): return l.wire == r.wire
        case (.soa(let l), .soa(let r)): return l == r
        default: return false
        }
    }

    func hash(into hasher: inout Hasher) {
        switch self {
        case .a(let address): hasher.combine(1); hasher.combine(address)
        case .aaaa(let address): hasher.combine(28); hasher.combine(address)
        case .ns(let name): hasher.combine(2); hasher.combine(name.hash)
        case .cname(let name): hasher.combine(5); hasher.combine(name.hash)
        case .soa(let soa): hasher.combine(6); hasher.combine(soa.serial)
        }
    }
}

/// SOA RDATA (RFC 1035 §3.3.13).
struct SOAValue: Equatable {
    let mname: WireName
    let rname: WireName
    let serial: UInt32
    let refresh: UInt32
    let retry: UInt32
    let expire: UInt32
    let minimum: UInt32

    static func == (lhs: SOAValue, rhs: SOAValue) -> Bool {
        lhs.mname.wire == rhs.mname.wire && lhs.rname.wire == rhs.rname.wire && lhs.serial == rhs.serial
            && lhs.refresh == rhs.refresh && lhs.retry == rhs.retry && lhs.expire == rhs.expire && lhs.minimum == rhs.minimum
    }
}
