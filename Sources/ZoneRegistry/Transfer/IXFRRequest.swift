/// The client's version in an IXFR query: RFC 1995 §3 puts the SOA of the zone the client
/// holds in the authority section. Only its serial matters to the answer.
enum IXFRRequest {
    /// The serial of the first authority record, which must be an SOA owned by the question
    /// name; nil for anything else (answered FORMERR, as BIND and Knot do).
    static func clientSerial(_ bytes: UnsafeRawBufferPointer, header: MessageHeader, questionEnd: Int) -> UInt32? {
        guard header.authorityCount >= 1 else { return nil }
        var reader = WireReader(bytes, position: questionEnd)
        for _ in 0..<header.answerCount {
            reader.skipName()
            reader.skip(8)
            reader.skip(Int(reader.readU16()))
            if reader.failed { return nil }
        }
        // The owner is the question name: a pointer to offset 12, or the same labels again.
        let ownerStart = reader.position
        reader.skipName()
        guard !reader.failed, ownerIsQuestion(bytes, at: ownerStart, questionEnd: questionEnd) else { return nil }
        let type = RecordType(rawValue: reader.readU16())
        reader.skip(6)
        let length = Int(reader.readU16())
        let rdataStart = reader.position
        reader.skipName()
        reader.skipName()
        let serial = reader.readU32()
        // MNAME, RNAME, then five 32-bit fields (RFC 1035 §3.3.13), all inside RDLENGTH.
        guard !reader.failed, type == .soa, reader.position + 16 == rdataStart + length,
              rdataStart + length <= bytes.count else { return nil }
        return serial
    }

    private static func ownerIsQuestion(_ bytes: UnsafeRawBufferPointer, at offset: Int, questionEnd: Int) -> Bool {
        let qnameEnd = questionEnd - 4
        guard offset + 1 < bytes.count else { return false }
        if bytes[offset] == 0xc0 && bytes[offset + 1] == UInt8(WireLimit.headerSize) { return true }
        let length = qnameEnd - WireLimit.headerSize
        guard length > 0, offset + length <= bytes.count else { return false }
        for step in 0..<length
        where DomainName.lowercase(bytes[offset + step]) != DomainName.lowercase(bytes[WireLimit.headerSize + step]) {
            return false
        }
        return true
    }
}
