/// Reads back a response the responder wrote, strictly: every section, every record, every
/// name (pointers must aim backwards), and RDATA whose length matches its type's shape. What a
/// resolver would reject, this rejects. Used by `DNSMessageFuzzer` only.
struct DNSResponseWalker {
    struct Shape {
        var header: MessageHeader
        /// Offset just past the question section.
        var questionEnd: Int
        /// The OPT record's TTL field (extended RCODE, version, flags), when present.
        var optTTL: UInt32?
    }

    static func walk(_ bytes: UnsafeRawBufferPointer) throws(FuzzViolation) -> Shape {
        var reader = WireReader(bytes)
        var name = NameBuffer()
        let header = MessageHeader(reading: &reader)
        guard !reader.failed else { throw FuzzViolation("response shorter than a header: \(bytes.count) bytes") }
        for _ in 0..<header.questionCount {
            reader.readName(into: &name)
            reader.skip(4)
        }
        guard !reader.failed else { throw FuzzViolation("question section does not parse") }
        let questionEnd = reader.position
        var optTTL: UInt32?
        let records = Int(header.answerCount) + Int(header.authorityCount) + Int(header.additionalCount)
        for index in 0..<records {
            let ownerStart = reader.position
            reader.readName(into: &name)
            let type = RecordType(rawValue: reader.readU16())
            _ = reader.readU16()
            let ttl = reader.readU32()
            let rdataLength = Int(reader.readU16())
            guard !reader.failed, reader.remaining >= rdataLength else {
                throw FuzzViolation("record \(index) at offset \(ownerStart) runs past the end")
            }
            let rdataEnd = reader.position + rdataLength
            if type == .opt {
                guard optTTL == nil, index >= Int(header.answerCount) + Int(header.authorityCount),
                      bytes[ownerStart] == 0 else { throw FuzzViolation("OPT misplaced or repeated") }
                optTTL = ttl
            }
            // RFC 8945 §5.3: a response's TSIG is its last record.
            if type == .tsig, index != records - 1 { throw FuzzViolation("TSIG is not the last record") }
            try walkRData(type, &reader, name: &name, length: rdataLength)
            guard !reader.failed, reader.position == rdataEnd else {
                throw FuzzViolation("record \(index) type \(type.rawValue): RDATA does not match RDLENGTH \(rdataLength)")
            }
        }
        guard reader.remaining == 0 else { throw FuzzViolation("\(reader.remaining) bytes after the last record") }
        return Shape(header: header, questionEnd: questionEnd, optTTL: optTTL)
    }

    /// The record types the responder writes, each with its RDATA shape.
    private static func walkRData(_ type: RecordType, _ reader: inout WireReader, name: inout NameBuffer,
                                  length: Int) throws(FuzzViolation) {
        switch type {
        case .a: reader.skip(4)
        case .aaaa: reader.skip(16)
        case .ns, .cname: reader.readName(into: &name)
        case .soa:
            reader.readName(into: &name)
            reader.readName(into: &name)
            reader.skip(20)
        case .srv:
            reader.skip(6)
            reader.readName(into: &name)
        case .opt:
            var left = length
            while left > 0 {
                _ = reader.readU16()
                let optionLength = Int(reader.readU16())
                reader.skip(optionLength)
                left -= 4 + optionLength
            }
        case .tsig:
            reader.readName(into: &name)
            reader.skip(8)
            reader.skip(Int(reader.readU16()))
            reader.skip(4)
            reader.skip(Int(reader.readU16()))
        default:
            throw FuzzViolation("unexpected record type \(type.rawValue) in a response")
        }
    }
}
