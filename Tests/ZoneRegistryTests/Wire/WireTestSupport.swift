@testable import ZoneRegistry

/// Wire form of a presentation name, keeping case: `wire("Foo.Example.")`.
func wire(_ text: String) -> [UInt8] {
    var bytes: [UInt8] = []
    for label in text.split(separator: ".") {
        bytes.append(UInt8(label.utf8.count))
        bytes.append(contentsOf: label.utf8)
    }
    return bytes + [0]
}

func name(_ text: String) -> DomainName { try! DomainName(parsing: text) }

func be16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xff)] }

/// A query message: header, one question, optional OPT.
func makeQuery(_ qname: String, _ qtype: RecordType = .a, qclass: RecordClass = .in, id: UInt16 = 0x1234,
               flags: UInt16 = HeaderFlag.rd, edns: EDNS.Request? = nil) -> [UInt8] {
    var bytes = be16(id) + be16(flags) + be16(1) + be16(0) + be16(0) + be16(edns == nil ? 0 : 1)
    bytes += wire(qname) + be16(qtype.rawValue) + be16(qclass.rawValue)
    if let edns {
        bytes += [0] + be16(RecordType.opt.rawValue) + be16(edns.payloadSize)
        bytes += [0, edns.version] + be16(edns.dnssecOK ? 0x8000 : 0) + be16(0)
    }
    return bytes
}

/// A decoded resource record, names uncompressed as sent.
struct DecodedRecord: Equatable {
    enum RData: Equatable {
        case a(IPv4Address)
        case aaaa(IPv6Address)
        case name([UInt8])                     // NS, CNAME
        case soa(mname: [UInt8], rname: [UInt8], serial: UInt32, refresh: UInt32, retry: UInt32,
                 expire: UInt32, minimum: UInt32)
        case srv(priority: UInt16, weight: UInt16, port: UInt16, target: [UInt8])
        case opt(ttl: UInt32)
        case other([UInt8])
    }
    var owner: [UInt8]
    var type: RecordType
    var rclass: UInt16
    var ttl: UInt32
    var rdata: RData
}

/// A response decoded with the project's own reader.
struct DecodedMessage {
    var header: MessageHeader
    var question: [UInt8]
    var qtype: UInt16
    var answer: [DecodedRecord] = []
    var authority: [DecodedRecord] = []
    var additional: [DecodedRecord] = []

    var rcode: UInt16 { header.rcode }
    var aa: Bool { header.has(HeaderFlag.aa) }
    var tc: Bool { header.has(HeaderFlag.tc) }
    var rd: Bool { header.has(HeaderFlag.rd) }
    var opt: DecodedRecord? { additional.first { $0.type == .opt } }
    var glue: [DecodedRecord] { additional.filter { $0.type != .opt } }

    init?(_ bytes: [UInt8]) {
        guard let decoded = bytes.withUnsafeBytes({ Self.decode($0) }) else { return nil }
        self = decoded
    }

    private init(header: MessageHeader, question: [UInt8], qtype: UInt16) {
        self.header = header
        self.question = question
        self.qtype = qtype
    }

    private static func decode(_ raw: UnsafeRawBufferPointer) -> DecodedMessage? {
        var reader = WireReader(raw)
        let header = MessageHeader(reading: &reader)
        var message = DecodedMessage(header: header, question: [], qtype: 0)
        if header.questionCount == 1 {
            guard let question = reader.readName() else { return nil }
            message.question = question
            message.qtype = reader.readU16()
            _ = reader.readU16()
        }
        func records(_ count: UInt16) -> [DecodedRecord]? {
            var list: [DecodedRecord] = []
            for _ in 0..<count {
                guard let owner = reader.readName() else { return nil }
                let type = RecordType(rawValue: reader.readU16())
                let rclass = reader.readU16()
                let ttl = reader.readU32()
                let length = Int(reader.readU16())
                let end = reader.position + length
                var rdata: DecodedRecord.RData
                switch type {
                case .a: rdata = .a(IPv4Address(value: reader.readU32()))
                case .aaaa:
                    let high = UInt64(reader.readU32()) << 32 | UInt64(reader.readU32())
                    let low = UInt64(reader.readU32()) << 32 | UInt64(reader.readU32())
                    rdata = .aaaa(IPv6Address(high: high, low: low))
                case .ns, .cname: rdata = .name(reader.readName() ?? [])
                case .soa:
                    let mname = reader.readName() ?? [], rname = reader.readName() ?? []
                    rdata = .soa(mname: mname, rname: rname, serial: reader.readU32(), refresh: reader.readU32(),
                                 retry: reader.readU32(), expire: reader.readU32(), minimum: reader.readU32())
                case .srv:
                    rdata = .srv(priority: reader.readU16(), weight: reader.readU16(), port: reader.readU16(),
                                 target: reader.readName() ?? [])
                case .opt:
                    rdata = .opt(ttl: ttl)
                    reader.skip(length)
                default:
                    reader.skip(length)
                    rdata = .other([])
                }
                guard !reader.failed, reader.position == end else { return nil }
                list.append(DecodedRecord(owner: owner, type: type, rclass: rclass, ttl: ttl, rdata: rdata))
            }
            return list
        }
        guard let answer = records(header.answerCount), let authority = records(header.authorityCount),
              let additional = records(header.additionalCount), reader.remaining == 0 else { return nil }
        message.answer = answer
        message.authority = authority
        message.additional = additional
        return message
    }
}
