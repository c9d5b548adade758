import Testing
@testable import ZoneRegistry

@Suite struct MessageWriterTests {
    /// Writes a question for `qname` then runs `body`; returns the finished message.
    private func build(qname: String, limit: Int = 512,
                       _ body: (inout MessageWriter) -> Void) -> [UInt8] {
        let query = makeQuery(qname)
        var out = [UInt8](repeating: 0, count: 65_535)
        let table = CompressionTable()
        let length = query.withUnsafeBytes { q in
            out.withUnsafeMutableBytes { r in
                var name = NameBuffer()
                var reader = WireReader(q, position: 12)
                reader.readName(into: &name)
                var writer = MessageWriter(into: r, limit: limit, compression: table)
                _ = writer.copyQuestion(from: q, end: q.count, name: name)
                body(&writer)
                return writer.finish(id: 7, flags: HeaderFlag.qr, questionCount: 1)
            }
        }
        return Array(out[0..<length])
    }

    @Test func compressionRoundTripsAndPointsIntoTheQuestion() throws {
        let peer = WireName(name("prod1.service.example.net"))
        let message = build(qname: "A.Service.Example.NET") { writer in
            writer.append(.authority, owner: .pointer(14), ttl: 300, .ns(.name(peer)))
            writer.append(.additional, owner: .name(peer), ttl: 300, .a(IPv4Address("192.0.2.1")!))
        }
        let decoded = try #require(DecodedMessage(message))
        #expect(decoded.authority[0].owner == wire("Service.Example.NET"))
        #expect(decoded.authority[0].rdata == .name(wire("prod1.Service.Example.NET")))
        #expect(decoded.additional[0].owner == wire("prod1.Service.Example.NET"))
        // header 12 + question 27 + NS (2+10+ "prod1"6 + ptr 2) 20 + A (2+10+4) 16
        #expect(message.count == 12 + 27 + 20 + 16)
    }

    @Test func soaAndCNameRoundTrip() throws {
        let mname = WireName(name("ns1.example.net")), rname = WireName(name("hostmaster.example.net"))
        let message = build(qname: "example.net") { writer in
            writer.append(.answer, owner: .pointer(12), ttl: 60,
                          .soa(.init(mname: .name(mname), rname: .name(rname), serial: 9, refresh: 7200,
                                     retry: 1800, expire: 86400, minimum: 60)))
            writer.append(.answer, owner: .pointer(12), ttl: 60,
                          .cname(.splice(start: 12, length: 0, suffix: mname)))
        }
        let decoded = try #require(DecodedMessage(message))
        #expect(decoded.answer[0].rdata == .soa(mname: wire("ns1.example.net"), rname: wire("hostmaster.example.net"),
                                                serial: 9, refresh: 7200, retry: 1800, expire: 86400, minimum: 60))
        #expect(decoded.answer[1].rdata == .name(wire("ns1.example.net")))
    }

    @Test func recordThatDoesNotFitIsRolledBackWhole() throws {
        let message = build(qname: "example.net", limit: 12 + 17 + 16 + 10) { writer in
            let first = writer.append(.answer, owner: .pointer(12), ttl: 1, .a(IPv4Address("192.0.2.1")!))
            let second = writer.append(.answer, owner: .pointer(12), ttl: 1, .a(IPv4Address("192.0.2.2")!))
            #expect(first && !second)
        }
        let decoded = try #require(DecodedMessage(message))
        #expect(decoded.answer.count == 1)
        #expect(message.count == 12 + 17 + 16)
    }

    @Test func optCarriesPayloadSizeAndExtendedRcode() throws {
        let message = build(qname: "example.net") { writer in
            writer.reserveTail(MessageWriter.optRecordSize)
            writer.appendOPT(payloadSize: 1232, rcode: .badVers, dnssecOK: true)
        }
        let opt = try #require(DecodedMessage(message)?.opt)
        #expect(opt.owner == [0])
        #expect(opt.rclass == 1232)
        #expect(opt.ttl == 0x0100_8000)    // EXTENDED-RCODE 1 (16 >> 4), VERSION 0, DO
    }
}
