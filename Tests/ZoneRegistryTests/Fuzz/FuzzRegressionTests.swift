import Foundation
import Testing
@testable import ZoneRegistry

/// One test per crash or broken invariant the fuzzers found, stated as the rule it broke.
/// The raw inputs are replayed too, from `Tests/Fuzz/regressions/` (`FuzzCorpusReplayTests`).
@Suite struct FuzzRegressionTests {
    /// A name of `length` bytes on the wire (root byte included), in labels of up to 63 bytes.
    static func longName(length: Int) -> String {
        var labels: [String] = []
        var left = length - 1
        while left > 0 {
            let label = min(63, left - 1)
            labels.append(String(repeating: "n", count: label))
            left -= label + 1
        }
        return labels.joined(separator: ".")
    }

    /// RFC 1035 §2.3.4: `_udp.` + a 251-byte query name is 256 bytes, which no resolver accepts;
    /// whoami sent it and made the whole response undecodable (fuzz input
    /// `regressions/dns/whoami-*`).
    @Test(arguments: [Transport.udp, .tcp])
    func whoamiLeavesOutAnSRVOwnerLongerThan255Bytes(transport: Transport) {
        let block = ServerBlock(config: blockConfig(["."], whoami: true), registry: nil)
        let harness = Harness(zones: [(zone: ".", block: block)])
        for length in 250...255 {
            let qname = Self.longName(length: length)
            let (outcome, bytes) = harness.raw(makeQuery(qname, .a), transport: transport)
            let reply = DecodedMessage(bytes)
            #expect(reply != nil, "length \(length): response does not decode")
            #expect(outcome.rcode == 0)
            let types = reply?.additional.map(\.type) ?? []
            #expect(types == (length <= 250 ? [.a, .srv] : [.a]), "length \(length)")
        }
    }

    /// In `cname` mode a long question is YXDOMAIN only while the rotation puts the long-named
    /// peer first; a template of that answer replayed it for the other peer, and skipped the
    /// rotation (fuzz input `regressions/dns/cname-too-long-target-follows-rotation`).
    @Test func cnameAnswersFollowTheRotationEvenWhenTheTargetIsTooLong() {
        let long = String(repeating: "x", count: 63) + "." + String(repeating: "y", count: 63) + ".service.example.net"
        let peers = [peer(long, .primary, v4: "192.0.2.5"), peer("p2.service.example.net", .primary, v4: "192.0.2.6")]
        let twin = TemplateAnswerTests.Twin(mode: .cname, peers: peers)
        let qname = String(repeating: "a", count: 60) + "." + String(repeating: "b", count: 60) + ".svc.service.example.net"
        var rcodes: [UInt16] = []
        for _ in 0..<4 {
            let bytes = twin.expectSame(makeQuery(qname, .a))
            rcodes.append(DecodedMessage(bytes).map { $0.header.rcode } ?? 99)
        }
        #expect(rcodes == [Rcode.yxDomain.rawValue, 0, Rcode.yxDomain.rawValue, 0])
    }
    /// A chunk-size line whose extension runs past twice the body bound (here 513 bytes against
    /// 2 × 256), followed by a malformed chunk: the wire bound was checked once per read, so
    /// reads of 3 bytes said `body lacks "ready"` while the whole input got as far as the bad
    /// chunk (fuzz input `regressions/http-status/chunk-extension-past-wire-bound-then-bad-chunk`).
    /// The bound is counted byte by byte: every split gives the verdict of the whole input.
    @Test func chunkedBodyVerdictDoesNotDependOnHowTheBytesAreSplit() throws {
        let url = FuzzCorpusReplayTests.fuzzDirectory
            .appendingPathComponent("regressions/http-status/chunk-extension-past-wire-bound-then-bad-chunk")
        let payload = Array(try Data(contentsOf: url).dropFirst())
        func reader() -> HTTPStatusReader {
            HTTPStatusReader(limit: 512, headerLimit: 512, bodyLimit: 256, expectation: .init(bodyText: "ready"))
        }
        var whole = reader()
        #expect(whole.feed(payload[...]) == .verdict(.bodyLacks("ready")), "the extension alone passes the wire bound")
        for size in [1, 2, 3, 5, 64, 255] {
            var split = reader()
            var outcome = HTTPStatusReader.Progress.needMore
            for start in stride(from: 0, to: payload.count, by: size) where outcome == .needMore {
                outcome = split.feed(payload[start..<min(start + size, payload.count)])
            }
            #expect(outcome == .verdict(.bodyLacks("ready")), "reads of \(size)")
        }
    }
}
