import Foundation
import Testing
@testable import ZoneRegistry

/// Vectors signed by dnspython 2.3 (Debian's python3-dnspython), made with
/// `/usr/bin/python3 vectors.py key.test.` where vectors.py fixes `time.time` (1700000000 for
/// the request, +1 for the response, +2/+3 for the AXFR stream), builds
/// `dns.message.make_query("_zoneregistry.service.example.net.", "TXT", use_edns=False)` with id
/// 0x1234 and flags 0, `use_tsig(dns.tsig.Key(NAME, SECRET, "hmac-sha256"))`, `to_wire()`; the
/// response is `make_response(q)` + AA + one TXT; the stream is two `to_wire(multi=True)`
/// answers to an AXFR query (id 0x5555), the second with `tsig_ctx=` the first's. The 512 and
/// compressed-owner vector uses key name `masters.service.example.net.` (dnspython compresses it).
enum TSIGVectors {
    static let secret = "c2VjcmV0LXNoYXJlZC1ieS10aGUtbWFzdGVycw=="
    static let request = hex("1234000000010000000000010d5f7a6f6e6572656769737472790773657276696365076578616d706c65036e65740000100001036b657904746573740000fa00ff00000000003d0b686d61632d7368613235360000006553f100012c0020b57bd28651542a27e2690c736eee08108b06bbd0540399bcff019002a9cae568123400000000")
    static let requestMAC = hex("b57bd28651542a27e2690c736eee08108b06bbd0540399bcff019002a9cae568")
    static let response = hex("1234840000010001000000010d5f7a6f6e6572656769737472790773657276696365076578616d706c65036e65740000100001c00c0010000100000000002c2b70726f64312e736572766963652e6578616d706c652e6e65742e20757020726f756e643d33206167653d31036b657904746573740000fa00ff00000000003d0b686d61632d7368613235360000006553f101012c0020c7d6f6bec8c4237ab3a001e3367eb8d500efe593e36ae2f80e4a16f26129b73c123400000000")
    static let request512 = hex("4321000000010000000000010773657276696365076578616d706c65036e65740000060001076d617374657273c00c00fa00ff00000000005d0b686d61632d7368613531320000006553f100012c004062177f0f87b9ec2c41830a509e12fca997ad8503458328d243dce7ec44a6763405da13d367adcde2b53dfb5006171afda80e82b431e85dbef1544405f4c5528b432100000000")
    static let axfrRequest = hex("5555000000010000000000010773657276696365076578616d706c65036e65740000fc0001036b657904746573740000fa00ff00000000003d0b686d61632d7368613235360000006553f102012c0020b2225a603a5fc4c328b7e185d8139761d15b0c14369a08e0be47a113a55982ad555500000000")
    static let axfr1 = hex("5555840000010001000000010773657276696365076578616d706c65036e65740000fc0001c00c000600010000012c0027036e7331c00c0a686f73746d6173746572c00c0000000700001c2000000708000151800000012c036b657904746573740000fa00ff00000000003d0b686d61632d7368613235360000006553f102012c0020590abad5dc51a9f281c5487f898b1c15829ea7007ce57ca8009f766a4d3d331d555500000000")
    static let axfr2 = hex("5555840000000001000000010773657276696365076578616d706c65036e657400000600010000012c0027036e7331c00c0a686f73746d6173746572c00c0000000700001c2000000708000151800000012c036b657904746573740000fa00ff00000000003d0b686d61632d7368613235360000006553f103012c0020280048127c09273a66ca6230818c346625f2f9af4e04968bfb89bfd0fd96c7cf555500000000")

    static let key = TSIGKey(name: name("key.test."), algorithm: .hmacSHA256, secret: base64(secret))
    static let mastersKey = TSIGKey(name: name("masters.service.example.net."), algorithm: nil, secret: base64(secret))
}

func hex(_ text: String) -> [UInt8] {
    var bytes: [UInt8] = []
    var index = text.startIndex
    while index < text.endIndex {
        let next = text.index(index, offsetBy: 2)
        bytes.append(UInt8(text[index..<next], radix: 16)!)
        index = next
    }
    return bytes
}

func base64(_ text: String) -> [UInt8] { Base64.decode(text)! }

/// `signed` without its TSIG RR, ARCOUNT one less: what the signer was given.
func strippingTSIG(_ signed: [UInt8]) -> [UInt8] {
    guard case .found(let record) = signed.withUnsafeBytes({ TSIGRecord.locate(in: $0) }) else { return [] }
    var bytes = Array(signed[0..<record.start])
    bytes[11] -= 1
    return bytes
}

@Suite struct TSIGTests {
    @Test func readsTheRecordDnspythonWrote() throws {
        guard case .found(let record) = TSIGVectors.request.withUnsafeBytes({ TSIGRecord.locate(in: $0) }) else {
            Issue.record("no TSIG found")
            return
        }
        #expect(record.keyName == name("key.test."))
        #expect(record.algorithmName == name("hmac-sha256."))
        #expect(record.timeSigned == 1_700_000_000)
        #expect(record.fudge == 300)
        #expect(record.mac == TSIGVectors.requestMAC)
        #expect(record.originalID == 0x1234)
        #expect(record.error == .noError && record.otherData.isEmpty)
    }

    @Test func signsARequestByteForByteAsDnspython() {
        var message = strippingTSIG(TSIGVectors.request)
        let mac = TSIGSigner.sign(&message, key: TSIGVectors.key, mode: .request, time: 1_700_000_000)
        #expect(mac == TSIGVectors.requestMAC)
        #expect(message == TSIGVectors.request)
    }

    @Test func signsAResponseOverTheRequestMACByteForByte() {
        var message = strippingTSIG(TSIGVectors.response)
        _ = TSIGSigner.sign(&message, key: TSIGVectors.key, mode: .response(requestMAC: TSIGVectors.requestMAC),
                            time: 1_700_000_001)
        #expect(message == TSIGVectors.response)
    }

    @Test func signsAMultiMessageStreamByteForByte() {
        guard case .verified(let verified) = check(TSIGVectors.axfrRequest, now: 1_700_000_002) else {
            Issue.record("AXFR request did not verify")
            return
        }
        var stream = TSIGStream(key: TSIGVectors.key, requestMAC: verified.requestMAC)
        var signed: [[UInt8]] = []
        for (vector, time) in [(TSIGVectors.axfr1, UInt64(1_700_000_002)), (TSIGVectors.axfr2, 1_700_000_003)] {
            var message = strippingTSIG(vector)
            let length = message.count
            message += [UInt8](repeating: 0, count: TSIGSigner.recordSize(for: TSIGVectors.key))
            let end = message.withUnsafeMutableBytes { stream.sign($0, length: length, time: time) }
            signed.append(Array(message[0..<(end ?? 0)]))
        }
        #expect(signed == [TSIGVectors.axfr1, TSIGVectors.axfr2])
    }

    @Test func verifiesDnspythonRequestsWithEitherAlgorithmAndACompressedOwner() {
        #expect(check(TSIGVectors.request, now: 1_700_000_000).verifiedKey == TSIGVectors.key.name)
        let keyring = TSIGKeyring([TSIGVectors.mastersKey])
        let result = TSIGVectors.request512.withUnsafeBytes {
            TSIGVerifier.checkRequest($0, keyring: keyring, now: 1_700_000_100)
        }
        guard case .verified(let verified) = result else {
            Issue.record("hmac-sha512 request rejected: \(result)")
            return
        }
        #expect(verified.algorithm == .hmacSHA512 && verified.requestMAC.count == 64)
    }

    @Test func verifiesAResponseStreamAsAClient() {
        let first = TSIGVectors.axfr1.withUnsafeBytes {
            TSIGVerifier.checkResponse($0, key: TSIGVectors.key, prefix: .requestMAC(strippedMAC(TSIGVectors.axfrRequest)),
                                       now: 1_700_000_002)
        }
        guard case .verified(let mac) = first else {
            Issue.record("first message: \(first)")
            return
        }
        let second = TSIGVectors.axfr2.withUnsafeBytes {
            TSIGVerifier.checkResponse($0, key: TSIGVectors.key, prefix: .priorMAC(mac), now: 1_700_000_003)
        }
        #expect(second == .verified(mac: strippedMAC(TSIGVectors.axfr2)))
        let replayed = TSIGVectors.axfr2.withUnsafeBytes {
            TSIGVerifier.checkResponse($0, key: TSIGVectors.key, prefix: .requestMAC(mac), now: 1_700_000_003)
        }
        #expect(replayed == .failed("bad TSIG signature on the response"))
    }

    @Test func verifiesTheFuzzSeedsSignedWithPythonsOwnHMAC() throws {
        let keyring = TSIGKeyring([TSIGKey(name: name(DNSMessageFuzzer.tsigKeyName), algorithm: nil,
                                           secret: base64(DNSMessageFuzzer.tsigSecret))])
        let seeds = FuzzCorpusReplayTests.fuzzDirectory.appendingPathComponent("corpus/dns")
        func seed(_ name: String) throws -> [UInt8] {
            [UInt8](try Data(contentsOf: seeds.appendingPathComponent(name)))
        }
        for (name, expected) in [("tsig-signed-a", nil), ("tsig-sha512", nil), ("tsig-truncated-mac-16", nil),
                                 ("tsig-bad-secret", TSIGError.badSig), ("tsig-bad-time", .badTime),
                                 ("tsig-unknown-key", .badKey)] as [(String, TSIGError?)] {
            let result = try seed(name).withUnsafeBytes {
                TSIGVerifier.checkRequest($0, keyring: keyring, now: DNSMessageFuzzer.tsigTime)
            }
            #expect(result.rejection == expected && (expected != nil || result.verifiedKey != nil), "\(name): \(result)")
        }
        #expect(try seed("tsig-truncated-mac-9").withUnsafeBytes {
            TSIGVerifier.checkRequest($0, keyring: keyring, now: DNSMessageFuzzer.tsigTime)
        } == .formErr)
    }

    // MARK: RFC 8945 §5.2 errors

    @Test func unknownKeyOrAlgorithmIsBADKEY() {
        let other = TSIGKeyring([TSIGKey(name: name("other.test."), algorithm: nil, secret: base64(TSIGVectors.secret))])
        #expect(check(TSIGVectors.request, keyring: other, now: 1_700_000_000).rejection == .badKey)
        let sha512Only = TSIGKeyring([TSIGKey(name: name("key.test."), algorithm: .hmacSHA512,
                                              secret: base64(TSIGVectors.secret))])
        #expect(check(TSIGVectors.request, keyring: sha512Only, now: 1_700_000_000).rejection == .badKey)
    }

    @Test func wrongSecretOrAlteredMessageIsBADSIG() {
        let wrong = TSIGKeyring([TSIGKey(name: name("key.test."), algorithm: nil, secret: Array("another".utf8))])
        #expect(check(TSIGVectors.request, keyring: wrong, now: 1_700_000_000).rejection == .badSig)
        var altered = TSIGVectors.request
        altered[3] = 0x01                                                  // RD set after signing
        #expect(check(altered, now: 1_700_000_000).rejection == .badSig)
    }

    @Test func outsideTheFudgeIsBADTIMEOnBothSides() {
        #expect(check(TSIGVectors.request, now: 1_700_000_300).verifiedKey != nil)
        #expect(check(TSIGVectors.request, now: 1_699_999_700).verifiedKey != nil)
        #expect(check(TSIGVectors.request, now: 1_700_000_301).rejection == .badTime)
        #expect(check(TSIGVectors.request, now: 1_699_999_699).rejection == .badTime)
    }

    @Test func truncatedMACsFollowRFC8945Section5221() {
        // 16 bytes of a 32-byte HMAC-SHA256: allowed, compared on those 16.
        #expect(check(truncated(TSIGVectors.request, to: 16), now: 1_700_000_000).verifiedKey != nil)
        // 15 < max(10, 32/2): FORMERR. Longer than the hash: FORMERR.
        #expect(check(truncated(TSIGVectors.request, to: 15), now: 1_700_000_000) == .formErr)
        #expect(check(truncated(TSIGVectors.request, to: 0), now: 1_700_000_000) == .formErr)
        var badTail = truncated(TSIGVectors.request, to: 16)
        badTail[badTail.count - 7] ^= 1                                     // last MAC byte
        #expect(check(badTail, now: 1_700_000_000).rejection == .badSig)
    }

    @Test func misplacedOrDuplicatedTSIGIsMalformed() {
        let record = Array(TSIGVectors.request[strippingTSIG(TSIGVectors.request).count...])
        var twice = TSIGVectors.request + record
        twice[11] = 2
        #expect(twice.withUnsafeBytes { TSIGRecord.locate(in: $0) } == .malformed)
        // TSIG first, then an OPT: not last.
        var notLast = TSIGVectors.request + [0] + be16(RecordType.opt.rawValue) + be16(1232) + [0, 0, 0, 0, 0, 0]
        notLast[11] = 2
        #expect(notLast.withUnsafeBytes { TSIGRecord.locate(in: $0) } == .malformed)
        for cut in stride(from: TSIGVectors.request.count - 1, to: 40, by: -7) {
            let short = Array(TSIGVectors.request[0..<cut])
            #expect(short.withUnsafeBytes { TSIGRecord.locate(in: $0) } == .malformed)
        }
    }

    @Test func errorAnswersAreUnsignedExceptBADTIME() throws {
        guard case .rejected(let rejection) = check(TSIGVectors.request, now: 1_700_001_000) else {
            Issue.record("expected BADTIME")
            return
        }
        var answer = strippingTSIG(TSIGVectors.request)
        let length = answer.count
        answer += [UInt8](repeating: 0, count: 200)
        let end = try #require(answer.withUnsafeMutableBytes {
            TSIGSigner.signError($0, length: length, rejection: rejection, time: 1_700_001_000)
        })
        answer.removeLast(answer.count - end)
        guard case .found(let record) = answer.withUnsafeBytes({ TSIGRecord.locate(in: $0) }) else {
            Issue.record("no TSIG in the BADTIME answer")
            return
        }
        #expect(record.error == .badTime && record.timeSigned == 1_700_000_000)
        #expect(record.otherData == [0x00, 0x00, 0x65, 0x53, 0xf4, 0xe8])       // 1700001000
        #expect(answer.withUnsafeBytes {
            TSIGVerifier.checkResponse($0, key: TSIGVectors.key, prefix: .requestMAC(TSIGVectors.requestMAC),
                                       now: 1_700_000_000)
        } == .failed("server answered TSIG error BADTIME"))

        let badKey = TSIGVerifier.Rejection(error: .badKey, record: record)
        var unsigned = strippingTSIG(TSIGVectors.request) + [UInt8](repeating: 0, count: 200)
        let unsignedEnd = try #require(unsigned.withUnsafeMutableBytes {
            TSIGSigner.signError($0, length: length, rejection: badKey, time: 1_700_001_000)
        })
        unsigned.removeLast(unsigned.count - unsignedEnd)
        guard case .found(let plain) = unsigned.withUnsafeBytes({ TSIGRecord.locate(in: $0) }) else {
            Issue.record("no TSIG in the BADKEY answer")
            return
        }
        #expect(plain.mac.isEmpty && plain.error == .badKey && plain.otherData.isEmpty)
    }

    @Test func aKeyDescriptionNeverShowsTheSecret() {
        #expect(TSIGVectors.key.description == "key.test. (hmac-sha256)")
        #expect(!"\(TSIGKeyring([TSIGVectors.key]))".contains(TSIGVectors.secret))
    }

    // MARK: helpers

    private func check(_ message: [UInt8], keyring: TSIGKeyring = TSIGKeyring([TSIGVectors.key]),
                       now: UInt64) -> TSIGVerifier.RequestCheck {
        message.withUnsafeBytes { TSIGVerifier.checkRequest($0, keyring: keyring, now: now) }
    }

    /// The message with its MAC cut to `size` bytes (RDLENGTH and MAC size adjusted).
    private func truncated(_ message: [UInt8], to size: Int) -> [UInt8] {
        let start = strippingTSIG(message).count
        let macSizeAt = start + wire("key.test.").count + 10 + wire("hmac-sha256.").count + 8
        let oldSize = Int(message[macSizeAt]) << 8 | Int(message[macSizeAt + 1])
        var bytes = Array(message[0..<macSizeAt]) + be16(UInt16(size))
        bytes += message[(macSizeAt + 2)..<(macSizeAt + 2 + size)]
        bytes += message[(macSizeAt + 2 + oldSize)...]
        let rdlengthAt = start + wire("key.test.").count + 8
        let rdlength = Int(bytes[rdlengthAt]) << 8 | Int(bytes[rdlengthAt + 1])
        bytes[rdlengthAt...(rdlengthAt + 1)] = ArraySlice(be16(UInt16(rdlength - oldSize + size)))
        return bytes
    }

    private func strippedMAC(_ message: [UInt8]) -> [UInt8] {
        guard case .found(let record) = message.withUnsafeBytes({ TSIGRecord.locate(in: $0) }) else { return [] }
        return record.mac
    }
}

extension TSIGVerifier.RequestCheck {
    var verifiedKey: DomainName? {
        if case .verified(let verified) = self { return verified.key.name }
        return nil
    }

    var rejection: TSIGError? {
        if case .rejected(let rejection) = self { return rejection.error }
        return nil
    }
}
