import Testing
@testable import ZoneRegistry

/// SPEC §4 protocol rules: header checks, EDNS(0), truncation, hostile input.
@Suite struct ProtocolTests {
    @Test func questionIsEchoedByteForByteAndRDIsCopied() {
        let harness = Harness()
        let query = makeQuery("ApI.SeRvIcE.example.NET", .a, id: 0xbeef)
        let (outcome, bytes) = harness.raw(query)
        #expect(Array(bytes[12..<query.count]) == Array(query[12...]))
        let reply = DecodedMessage(bytes)!
        #expect(reply.header.id == 0xbeef && reply.rd && reply.header.isResponse)
        #expect(outcome.qtype == 1 && outcome.zoneIndex == 0 && outcome.qnameLength == 25)
        let noRD = harness.ask(makeQuery("api.service.example.net", flags: 0))
        #expect(!noRD.rd)
    }

    @Test func responsesAndRuntsAreDropped() {
        let harness = Harness()
        #expect(harness.raw(makeQuery(zoneText, flags: HeaderFlag.qr)).0.length == 0)
        #expect(harness.raw(Array(makeQuery(zoneText).prefix(11))).0.length == 0)
    }

    @Test func headerErrorsAnswerFormErrAndNotImp() {
        let harness = Harness()
        var two = makeQuery(zoneText)
        two[5] = 2
        let formErr = harness.ask(two)
        #expect(formErr.rcode == Rcode.formErr.rawValue && formErr.header.questionCount == 0)
        #expect(harness.ask(makeQuery(zoneText, flags: 4 << 11)).rcode == Rcode.notImp.rawValue)
    }

    @Test func everyCutOffLengthDropsOrAnswersFormErr() {
        let harness = Harness(whoami: true)
        let query = makeQuery("www.api.service.example.net", .aaaa,
                              edns: .init(payloadSize: 4096, version: 0, dnssecOK: true))
        for length in 0..<query.count {
            let (outcome, bytes) = harness.raw(Array(query.prefix(length)))
            if length < 12 {
                #expect(outcome.length == 0)
            } else {
                #expect(DecodedMessage(bytes)?.rcode == Rcode.formErr.rawValue, "cut at \(length)")
            }
        }
        #expect(harness.ask(query).rcode == 0)
    }

    @Test func randomBytesNeverCrash() {
        let harness = Harness(mode: .cname, whoami: true)
        var generator = SystemRandomNumberGenerator()
        let seed = makeQuery("a.service.example.net", edns: .init(payloadSize: 1232, version: 0, dnssecOK: false))
        for _ in 0..<5_000 {
            var bytes = seed
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            let (outcome, reply) = harness.raw(Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &generator))))
            #expect(outcome.length == reply.count)
        }
    }

    @Test func ednsIsEchoedWithOurPayloadSizeAndDO() throws {
        let reply = Harness().ask(zoneText, .soa, edns: .init(payloadSize: 4096, version: 0, dnssecOK: true))
        let opt = try #require(reply.opt)
        #expect(opt.rclass == 1232 && opt.ttl == 0x0000_8000)
        #expect(Harness().ask(zoneText, .soa).opt == nil)
    }

    @Test func ednsVersionAboveZeroIsBadVers() throws {
        let harness = Harness()
        let (outcome, bytes) = harness.raw(makeQuery(zoneText, .soa, edns: .init(payloadSize: 1232, version: 1, dnssecOK: false)))
        let reply = try #require(DecodedMessage(bytes))
        #expect(outcome.rcode == 16)
        #expect(reply.rcode == 0 && reply.answer.isEmpty)
        #expect(reply.opt?.ttl == 0x0100_0000)          // extended RCODE 1 → 16, version 0
    }

    @Test func oversizedOptionLengthIsFormErrWithoutOPT() {
        var query = makeQuery(zoneText)
        query[11] = 1
        query += [0] + be16(41) + be16(1232) + [0, 0, 0, 0] + be16(4) + be16(10) + be16(500)
        let reply = Harness().ask(query)
        #expect(reply.rcode == Rcode.formErr.rawValue && reply.opt == nil && reply.question == wire(zoneText))
    }

    private func manyPeers(_ count: Int) -> [PeerConfig] {
        (0..<count).map { peer("peer\($0).service.example.net", v4: "192.0.2.\($0 % 250 + 1)", v6: "2001:db8::\($0 + 1)") }
    }

    @Test func udpAnswerDropsGlueBeforeTruncating() {
        let harness = Harness(peers: manyPeers(10))
        let (outcome, bytes) = harness.raw(makeQuery("api.service.example.net"))
        let reply = DecodedMessage(bytes)!
        #expect(bytes.count <= 512 && !reply.tc)
        #expect(reply.authority.count == 10)
        #expect(reply.glue.count > 0 && reply.glue.count < 20)
        #expect(outcome.length == bytes.count)
    }

    @Test func udpAnswerThatCannotFitIsTruncatedWithEmptySections() {
        let harness = Harness(peers: manyPeers(40))
        let reply = harness.ask("api.service.example.net", .a)
        #expect(reply.tc && reply.answer.isEmpty && reply.authority.isEmpty && reply.additional.isEmpty)
        let edns = harness.ask("api.service.example.net", .a, edns: .init(payloadSize: 512, version: 0, dnssecOK: false))
        #expect(edns.tc && edns.authority.isEmpty && edns.glue.isEmpty && edns.opt != nil)
        let large = harness.raw(makeQuery("api.service.example.net", edns: .init(payloadSize: 4096, version: 0, dnssecOK: false)))
        #expect(large.1.count <= 1232)
        #expect(DecodedMessage(large.1)!.authority.count == 40 && DecodedMessage(large.1)!.opt != nil)
    }

    @Test func tcpIsNeverTruncated() {
        let harness = Harness(peers: manyPeers(40))
        let reply = harness.ask("api.service.example.net", .a, transport: .tcp)
        #expect(!reply.tc && reply.authority.count == 40 && reply.glue.count == 80)
    }

    @Test func tenThousandPeersOverTCPFillAtMostOneMessage() {
        let harness = Harness(peers: manyPeers(10_000))
        let (outcome, bytes) = harness.raw(makeQuery("api.service.example.net"), transport: .tcp)
        #expect(outcome.length <= 65_535 && DecodedMessage(bytes) != nil)
        #expect(harness.ask("peer9999.service.example.net", .a).authority.count == 1)
    }
}
