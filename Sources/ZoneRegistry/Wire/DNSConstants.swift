/// A resource record TYPE (RFC 1035 §3.2.2), kept open so unknown types still travel as values.
struct RecordType: RawRepresentable, Hashable, Sendable {
    let rawValue: UInt16
    init(rawValue: UInt16) { self.rawValue = rawValue }

    static let a = RecordType(rawValue: 1)          // RFC 1035 §3.2.2
    static let ns = RecordType(rawValue: 2)         // RFC 1035 §3.2.2
    static let cname = RecordType(rawValue: 5)      // RFC 1035 §3.2.2
    static let soa = RecordType(rawValue: 6)        // RFC 1035 §3.2.2
    static let mx = RecordType(rawValue: 15)        // RFC 1035 §3.2.2
    static let txt = RecordType(rawValue: 16)       // RFC 1035 §3.2.2
    static let aaaa = RecordType(rawValue: 28)      // RFC 3596 §2.1
    static let srv = RecordType(rawValue: 33)       // RFC 2782
    static let opt = RecordType(rawValue: 41)       // RFC 6891 §6.1.1
    static let ds = RecordType(rawValue: 43)        // RFC 4034 §5
    static let tsig = RecordType(rawValue: 250)     // RFC 8945 §4.2
    static let ixfr = RecordType(rawValue: 251)     // RFC 1995 §3
    static let axfr = RecordType(rawValue: 252)     // RFC 1035 §3.2.3
    static let any = RecordType(rawValue: 255)      // RFC 1035 §3.2.3 QTYPE "*", RFC 8482
}

/// A CLASS / QCLASS (RFC 1035 §3.2.4, §3.2.5).
struct RecordClass: RawRepresentable, Hashable, Sendable {
    let rawValue: UInt16
    init(rawValue: UInt16) { self.rawValue = rawValue }

    static let `in` = RecordClass(rawValue: 1)
    static let chaos = RecordClass(rawValue: 3)
    static let any = RecordClass(rawValue: 255)
}

/// Header OPCODE (RFC 1035 §4.1.1).
struct Opcode: RawRepresentable, Hashable, Sendable {
    let rawValue: UInt8
    init(rawValue: UInt8) { self.rawValue = rawValue }

    static let query = Opcode(rawValue: 0)
    static let notify = Opcode(rawValue: 4)    // RFC 1996
    static let update = Opcode(rawValue: 5)    // RFC 2136
}

/// RCODE, 12 bits once EDNS extends it (RFC 1035 §4.1.1, RFC 6891 §6.1.3).
struct Rcode: RawRepresentable, Hashable, Sendable {
    let rawValue: UInt16
    init(rawValue: UInt16) { self.rawValue = rawValue }

    static let noError = Rcode(rawValue: 0)
    static let formErr = Rcode(rawValue: 1)
    static let servFail = Rcode(rawValue: 2)
    static let nxDomain = Rcode(rawValue: 3)
    static let notImp = Rcode(rawValue: 4)
    static let refused = Rcode(rawValue: 5)
    static let yxDomain = Rcode(rawValue: 6)    // RFC 2136 §2.2; RFC 6672 §2.2 for an overlong substitution
    static let notAuth = Rcode(rawValue: 9)     // RFC 8945 §5.2: every TSIG error
    static let badVers = Rcode(rawValue: 16)    // RFC 6891 §9: only expressible with an OPT record

    /// The low four bits that go into the header; the rest travels in OPT's TTL.
    var headerBits: UInt16 { rawValue & 0xf }
    var extendedBits: UInt8 { UInt8(truncatingIfNeeded: rawValue >> 4) }
}

/// Bits of the header's second 16-bit word (RFC 1035 §4.1.1, RFC 2535 §6.1 for AD/CD).
enum HeaderFlag {
    static let qr: UInt16 = 0x8000
    static let aa: UInt16 = 0x0400
    static let tc: UInt16 = 0x0200
    static let rd: UInt16 = 0x0100
    static let ra: UInt16 = 0x0080
    static let ad: UInt16 = 0x0020
    static let cd: UInt16 = 0x0010
    static let opcodeShift: UInt16 = 11
    static let opcodeMask: UInt16 = 0x7800
    static let rcodeMask: UInt16 = 0x000f
}

/// Fixed sizes of the wire format.
enum WireLimit {
    static let headerSize = 12                 // RFC 1035 §4.1.1
    static let maxNameLength = 255             // RFC 1035 §2.3.4, counting length bytes and root
    static let maxLabelLength = 63             // RFC 1035 §2.3.4
    static let maxLabels = 127                 // 255 bytes hold at most 127 one-byte labels plus root
    static let classicUDPPayload = 512         // RFC 1035 §4.2.1
    static let maxPointerTarget = 0x3fff       // RFC 1035 §4.1.4: 14-bit offset
    static let maxMessage = 65_535             // RFC 1035 §4.2.2: TCP length prefix
}
