/// Record encoders: each appends one whole RR (RFC 1035 §4.1.3) or nothing.
extension MessageWriter {
    /// RDATA of the types this server emits.
    enum RData {
        case a(IPv4Address)                          // RFC 1035 §3.4.1
        case aaaa(IPv6Address)                       // RFC 3596 §2.2
        case ns(NameRef)                             // RFC 1035 §3.3.11
        case cname(NameRef)                          // RFC 1035 §3.3.1
        case soa(SOAData)                            // RFC 1035 §3.3.13
        /// Target is always the root: `whoami` (RFC 2782 forbids compressing a target anyway).
        case srv(priority: UInt16, weight: UInt16, port: UInt16)
        /// Character-strings of at most 255 bytes each (RFC 1035 §3.3.14).
        case txt([[UInt8]])

        var type: RecordType {
            switch self {
            case .a: return .a
            case .aaaa: return .aaaa
            case .ns: return .ns
            case .cname: return .cname
            case .soa: return .soa
            case .srv: return .srv
            case .txt: return .txt
            }
        }
    }

    struct SOAData {
        var mname: NameRef
        var rname: NameRef
        var serial: UInt32
        var refresh: UInt32
        var retry: UInt32
        var expire: UInt32
        var minimum: UInt32
    }

    /// Appends one record to `section`; returns false, leaving the message as it was, when it
    /// does not fit.
    @discardableResult
    mutating func append(_ section: Section, owner: NameRef, ttl: UInt32, _ rdata: RData,
                         class recordClass: RecordClass = .in) -> Bool {
        let mark = position
        writeName(owner)
        writeU16(rdata.type.rawValue)
        writeU16(recordClass.rawValue)
        writeU32(ttl)
        let lengthAt = position
        writeU16(0)
        let rdataStart = position
        writeRData(rdata)
        guard !writeFailed else {
            rollBack(to: mark)
            return false
        }
        patchU16(UInt16(position - rdataStart), at: lengthAt)
        count(section)
        return true
    }

    private mutating func writeRData(_ rdata: RData) {
        switch rdata {
        case .a(let address):
            writeU32(address.value)
        case .aaaa(let address):
            writeU32(UInt32(truncatingIfNeeded: address.high >> 32))
            writeU32(UInt32(truncatingIfNeeded: address.high))
            writeU32(UInt32(truncatingIfNeeded: address.low >> 32))
            writeU32(UInt32(truncatingIfNeeded: address.low))
        case .ns(let target), .cname(let target):
            writeName(target)
        case .soa(let soa):
            writeName(soa.mname)
            writeName(soa.rname)
            writeU32(soa.serial)
            writeU32(soa.refresh)
            writeU32(soa.retry)
            writeU32(soa.expire)
            writeU32(soa.minimum)
        case .srv(let priority, let weight, let port):
            writeU16(priority)
            writeU16(weight)
            writeU16(port)
            writeU8(0)
        case .txt(let strings):
            for string in strings {
                writeU8(UInt8(min(string.count, 255)))
                for byte in string.prefix(255) { writeU8(byte) }
            }
        }
    }

    /// Size of an OPT record without options: root owner, TYPE, CLASS, TTL, RDLENGTH.
    static let optRecordSize = 11

    /// Appends the OPT pseudo-record (RFC 6891 §6.1.2) into the reserved tail: CLASS carries
    /// our UDP payload size, TTL the extended RCODE, version 0 and the DO bit (copied from the
    /// query, RFC 3225 §3).
    @discardableResult
    mutating func appendOPT(payloadSize: UInt16, rcode: Rcode, dnssecOK: Bool) -> Bool {
        releaseTail()
        let mark = position
        writeU8(0)
        writeU16(RecordType.opt.rawValue)
        writeU16(payloadSize)
        writeU8(rcode.extendedBits)
        writeU8(0)
        writeU16(dnssecOK ? EDNS.doBit : 0)
        writeU16(0)
        guard !writeFailed else {
            rollBack(to: mark)
            return false
        }
        count(.additional)
        return true
    }
}
