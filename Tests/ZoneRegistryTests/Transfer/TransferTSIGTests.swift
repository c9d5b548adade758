import Testing
@testable import ZoneRegistry

/// Signed transfers (RFC 8945 §5.3.1): the first message answers the request's MAC, every
/// later one chains on the one before; `require` and bad keys turn requests away.
@Suite struct TransferTSIGTests {
    private func harness(require: TSIGRequirement = .types([RecordType.axfr.rawValue, RecordType.ixfr.rawValue]),
                         peers: Int = 2_000) -> TransferHarness {
        let list = (0..<peers).map { peer("p\($0).service.example.net", v4: "10.0.\($0 / 256).\($0 % 256)") }
        return TransferHarness(mode: .delegate, peers: list, targets: [.any],
                               tsig: TSIGDirective(zones: [name(zoneText)], keyring: TSIGKeyring([TSIGVectors.key]),
                                                   require: require, location: testLocation))
    }

    @Test func everyMessageOfASignedAXFRVerifiesInTurn() {
        let h = harness()
        var query = makeQuery(zoneText, .axfr)
        var mac = TSIGSigner.sign(&query, key: TSIGVectors.key, mode: .request, time: TransferHarness.now) ?? []
        let messages = h.rawMessages(query)
        #expect(messages.count > 3)
        // Signatures included: the first message's TSIG fits in the cap too.
        #expect(messages.allSatisfy { $0.count <= TransferStream.messageSize })
        for (index, message) in messages.enumerated() {
            let prefix: TSIGDigest.Prefix = index == 0 ? .requestMAC(mac) : .priorMAC(mac)
            let check = message.withUnsafeBytes {
                TSIGVerifier.checkResponse($0, key: TSIGVectors.key, prefix: prefix, now: TransferHarness.now)
            }
            guard case .verified(let next) = check else {
                Issue.record("message \(index): \(check)")
                return
            }
            mac = next
        }
        let records = messages.map { DecodedMessage($0)!.answer.count }.reduce(0, +)
        // SOA, NS, ns A and AAAA, 2,000 × (NS, A), 2 names × 2,000 NS, SOA.
        #expect(records == 8_005)
    }

    @Test func unsignedUnderRequireIsRefusedAndABadKeyIsNotAuth() {
        let h = harness(peers: 3)
        #expect(h.messages(makeQuery(zoneText, .axfr))[0].rcode == Rcode.refused.rawValue)
        var forged = makeQuery(zoneText, .axfr)
        let wrong = TSIGKey(name: TSIGVectors.key.name, algorithm: nil, secret: Array("guess".utf8))
        _ = TSIGSigner.sign(&forged, key: wrong, mode: .request, time: TransferHarness.now)
        #expect(h.messages(forged)[0].rcode == Rcode.notAuth.rawValue)
        let z = zoneText + "."
        #expect(h.metrics.transferCount(zone: z, type: "axfr", result: "refused") == 1)
        #expect(h.metrics.transferCount(zone: z, type: "axfr", result: "notauth") == 1)
        // Other queries need no signature: `require` names the transfer types only.
        #expect(h.harness.ask(zoneText, .soa).rcode == 0)
    }

    @Test func notifyIsSignedWithTheKeyASecondaryTransferredWith() {
        let h = harness(peers: 3)
        #expect(h.transfer.notifyKey(for: .v4(IPv4Address("127.0.0.91")!)) == nil)
        h.transfer.keyring = TSIGKeyring([TSIGVectors.key])
        #expect(h.transfer.notifyKey(for: .v4(IPv4Address("127.0.0.91")!)) == TSIGVectors.key)
    }
}
