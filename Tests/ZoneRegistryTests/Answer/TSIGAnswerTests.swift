import Testing
@testable import ZoneRegistry

/// Signed queries through the responder (RFC 8945 §5.2-5.3), checked with the verifier that
/// `TSIGTests` pins to dnspython's bytes.
@Suite struct TSIGAnswerTests {
    private static let now: UInt64 = 1_700_000_000

    private func harness(require: TSIGRequirement = .none) -> Harness {
        let config = registryConfig(mode: .address, peers: standardPeers, nameServers: [standardNameServer])
        let registry = Registry(config: config, serial: 2024, previous: nil)
        var blockConfig = blockConfig([zoneText], registry: config)
        blockConfig.tsig = TSIGDirective(zones: [name(zoneText)], keyring: TSIGKeyring([TSIGVectors.key]),
                                         require: require, location: testLocation)
        let harness = Harness(zones: [(zone: zoneText, block: ServerBlock(config: blockConfig, registry: registry))])
        harness.responder.clock = { Self.now }
        return harness
    }

    private func signed(_ qname: String, _ qtype: RecordType = .a, key: TSIGKey = TSIGVectors.key,
                        time: UInt64 = now, edns: EDNS.Request? = nil) -> (query: [UInt8], mac: [UInt8]) {
        var query = makeQuery(qname, qtype, edns: edns)
        let mac = TSIGSigner.sign(&query, key: key, mode: .request, time: time) ?? []
        return (query, mac)
    }

    private func tsig(of response: [UInt8]) -> TSIGRecord? {
        if case .found(let record) = response.withUnsafeBytes({ TSIGRecord.locate(in: $0) }) { return record }
        return nil
    }

    @Test func aSignedQueryGetsASignedAnswerWithOPTBeforeTSIG() {
        let h = harness()
        let (query, mac) = signed("app.service.example.net", edns: EDNS.Request(payloadSize: 1232, version: 0, dnssecOK: false))
        let (_, response) = h.raw(query)
        let message = DecodedMessage(response)
        #expect(message?.rcode == 0 && message?.answer.count == 2)
        #expect(message?.additional.map(\.type) == [.opt, .tsig])
        #expect(response.withUnsafeBytes {
            TSIGVerifier.checkResponse($0, key: TSIGVectors.key, prefix: .requestMAC(mac), now: Self.now)
        } == .verified(mac: tsig(of: response)?.mac ?? []))
    }

    @Test func unsignedQueriesAreAnsweredAsBeforeUnlessRequired() {
        #expect(harness().ask("app.service.example.net").additional.isEmpty)
        let strict = harness(require: .types([RecordType.a.rawValue]))
        #expect(strict.ask("app.service.example.net").rcode == Rcode.refused.rawValue)
        #expect(strict.ask("app.service.example.net", .aaaa).rcode == 0)
        // A signed answer is never kept as a template an unsigned query could be served from.
        #expect(DecodedMessage(strict.raw(signed("app.service.example.net").query).1)?.rcode == 0)
        #expect(strict.ask("app.service.example.net").rcode == Rcode.refused.rawValue)
        #expect(strict.ask("app.service.example.net").rcode == Rcode.refused.rawValue)
    }

    @Test func anUnknownKeyIsNOTAUTHWithAnUnsignedBADKEY() throws {
        let stranger = TSIGKey(name: name("stranger.test."), algorithm: nil, secret: Array("x".utf8))
        let (_, response) = harness().raw(signed("app.service.example.net", key: stranger).query)
        #expect(DecodedMessage(response)?.rcode == Rcode.notAuth.rawValue)
        #expect(DecodedMessage(response)?.answer.isEmpty == true)
        let record = try #require(tsig(of: response))
        #expect(record.error == .badKey && record.mac.isEmpty && record.keyName == name("stranger.test."))
    }

    @Test func anotherSecretIsNOTAUTHWithAnUnsignedBADSIG() throws {
        let forged = TSIGKey(name: TSIGVectors.key.name, algorithm: nil, secret: Array("guess".utf8))
        let (_, response) = harness().raw(signed("app.service.example.net", key: forged).query)
        #expect(DecodedMessage(response)?.rcode == Rcode.notAuth.rawValue)
        let record = try #require(tsig(of: response))
        #expect(record.error == .badSig && record.mac.isEmpty)
    }

    @Test func aStaleSignatureIsNOTAUTHWithASignedBADTIME() throws {
        let (query, mac) = signed("app.service.example.net", time: Self.now - 301)
        let (_, response) = harness().raw(query)
        #expect(DecodedMessage(response)?.rcode == Rcode.notAuth.rawValue)
        let record = try #require(tsig(of: response))
        #expect(record.error == .badTime && record.mac.count == 32 && record.timeSigned == Self.now - 301)
        #expect(record.otherData == TSIGDigest.otherData(time: Self.now))
        // Signed over the request MAC: recomputing it with the key must give the same MAC.
        var unsigned = Array(response[0..<record.start])
        unsigned[11] -= 1
        let expected = unsigned.withUnsafeBytes {
            TSIGDigest.mac(secret: TSIGVectors.key.secret, digest: .sha256, prefix: .requestMAC(mac), message: $0,
                           originalID: record.originalID, additionalCount: UInt16(unsigned[11]),
                           variables: .init(keyName: record.keyName, algorithm: record.algorithmName,
                                            timeSigned: record.timeSigned, fudge: record.fudge, error: .badTime,
                                            otherData: record.otherData))
        }
        #expect(expected == record.mac)
    }

    @Test func aTSIGThatIsNotLastIsFORMERR() {
        var (query, _) = signed("app.service.example.net")
        query += [0] + be16(RecordType.opt.rawValue) + be16(1232) + [0, 0, 0, 0, 0, 0]
        query[11] += 1
        #expect(harness().ask(query).rcode == Rcode.formErr.rawValue)
    }

    @Test func aSignedQueryToABlockWithoutKeysIsBADKEY() throws {
        let (_, response) = Harness(mode: .address).raw(signed("app.service.example.net").query)
        #expect(DecodedMessage(response)?.rcode == Rcode.notAuth.rawValue)
        #expect(try #require(tsig(of: response)).error == .badKey)
    }
}
