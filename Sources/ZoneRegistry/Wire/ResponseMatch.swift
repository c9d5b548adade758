/// Whether a received message answers a query this side sent (RFC 5452 §4.3: same ID, same
/// question; RFC 1035 §4.1.1: QR set, same opcode). Names compare case-insensitively, as a
/// server may echo the question in another case (RFC 4343).
enum ResponseMatch {
    /// Nil when `response` answers `query`, else why not.
    static func mismatch(query: [UInt8], response: [UInt8]) -> String? {
        guard response.count >= WireLimit.headerSize else { return "shorter than a header" }
        guard response[0] == query[0], response[1] == query[1] else { return "wrong ID" }
        guard response[2] & 0x80 != 0 else { return "not a response (QR clear)" }
        guard response[2] & 0x78 == query[2] & 0x78 else { return "wrong opcode" }
        let questionEnd = questionEnd(query)
        guard questionEnd > WireLimit.headerSize else { return nil }
        guard response[4] == 0, response[5] == 1, response.count >= questionEnd else { return "question missing" }
        for index in WireLimit.headerSize..<questionEnd
        where DomainName.lowercase(response[index]) != DomainName.lowercase(query[index]) {
            return "question differs"
        }
        return nil
    }

    /// Offset past a query's one question (uncompressed, as this side writes them); 12 when it
    /// has none.
    static func questionEnd(_ query: [UInt8]) -> Int {
        guard query.count > WireLimit.headerSize, query[5] == 1 else { return WireLimit.headerSize }
        var offset = WireLimit.headerSize
        while offset < query.count, query[offset] != 0, query[offset] & 0xc0 == 0 {
            offset += Int(query[offset]) + 1
        }
        return min(offset + 5, query.count)
    }
}
