import Testing
@testable import ZoneRegistry

@Suite struct QueryReaderTests {
    private func read(_ bytes: [UInt8]) -> QueryReadResult {
        var name = NameBuffer()
        return bytes.withUnsafeBytes { QueryReader.read($0, name: &name) }
    }

    private func rcode(_ result: QueryReadResult) -> Rcode? {
        switch result {
        case .headerOnly(_, let rcode): return rcode
        case .malformedAfterQuestion: return .formErr
        default: return nil
        }
    }

    @Test func wellFormedQueryReadsQuestionAndOPT() throws {
        let query = makeQuery("example.net", .aaaa, edns: .init(payloadSize: 4096, version: 0, dnssecOK: true))
        guard case .query(let parsed) = read(query) else { Issue.record("not a query"); return }
        #expect(parsed.qtype == .aaaa && parsed.qclass == .in)
        #expect(parsed.questionEnd == 12 + 13 + 4)
        #expect(parsed.edns == EDNS.Request(payloadSize: 4096, version: 0, dnssecOK: true))
    }

    @Test func responsesAndShortPacketsAreDropped() {
        guard case .drop = read(makeQuery("example.net", flags: HeaderFlag.qr)) else { Issue.record(); return }
        guard case .drop = read([0x12, 0x34, 0, 0]) else { Issue.record(); return }
    }

    @Test func questionCountOtherThanOneIsFormErr() {
        var none = makeQuery("example.net")
        none[5] = 0                                  // QDCOUNT 0
        #expect(rcode(read(none)) == .formErr)
        var two = makeQuery("example.net")
        two[5] = 2                                   // QDCOUNT 2
        #expect(rcode(read(two)) == .formErr)
    }

    @Test func unknownOpcodeIsNotImp() {
        #expect(rcode(read(makeQuery("example.net", flags: 2 << 11))) == .notImp)    // OPCODE 2 (STATUS)
        #expect(rcode(read(makeQuery("example.net", flags: 5 << 11))) == .notImp)    // OPCODE 5 (UPDATE)
    }

    @Test func truncatedQuestionIsFormErr() {
        let query = makeQuery("example.net")
        #expect(rcode(read(Array(query.dropLast(2)))) == .formErr)     // no QCLASS
        #expect(rcode(read(Array(query.prefix(16)))) == .formErr)      // cut inside the name
    }

    @Test func compressedQuestionNameIsFormErr() {
        var query = be16(1) + be16(0) + be16(1) + be16(0) + be16(0) + be16(0)
        query += [1, 0x61, 0xc0, 0x00] + be16(1) + be16(1)            // "a" + pointer into the header
        #expect(rcode(read(query)) == .formErr)
    }

    @Test func optionLengthPastRDataIsMalformed() {
        var query = makeQuery("example.net")
        query[11] = 1                                                  // ARCOUNT 1
        query += [0] + be16(41) + be16(1232) + [0, 0, 0, 0]             // OPT root, TYPE, CLASS, TTL
        query += be16(8) + be16(10) + be16(100) + [1, 2, 3, 4]          // RDLENGTH 8, option says 100 bytes
        guard case .malformedAfterQuestion = read(query) else { Issue.record(); return }
    }

    @Test func secondOPTIsMalformed() {
        var query = makeQuery("example.net", edns: .init(payloadSize: 1232, version: 0, dnssecOK: false))
        query[11] = 2
        query += [0] + be16(41) + be16(1232) + [0, 0, 0, 0] + be16(0)
        guard case .malformedAfterQuestion = read(query) else { Issue.record(); return }
    }

    @Test func additionalCountBeyondThePacketIsMalformed() {
        var query = makeQuery("example.net")
        query[11] = 3
        guard case .malformedAfterQuestion = read(query) else { Issue.record(); return }
    }
}
