import Testing
@testable import ZoneRegistry

private let secret = "c2VjcmV0LXNoYXJlZC1ieS10aGUtbWFzdGVycw=="

private let threeMasters = "ns ns1.example.org 127.0.0.61\nns ns2.example.org 127.0.0.62\nns ns3.example.org 127.0.0.63"

/// Line 2 `bind`, lines 3-5 `tsig`, `zoneregistry` on line 6, its options from line 7.
private func corefile(bind: String = "bind 127.0.0.62", _ options: String, ns: String = threeMasters) -> String {
    "example.org {\n\(bind)\ntsig {\nsecret masters.example.org. \(secret)\n}\nzoneregistry {\n\(options)\n\(ns)\npeer p1.example.org {\nipv4 127.0.12.1\n}\n}\n}\n"
}

/// `quorum KEY` and `self NAME` (SPEC §9): parsed values and the exact errors.
@Suite struct QuorumOptionTests {
    private func quorum(_ text: String) throws -> QuorumConfig? {
        try parsed(text).servers[0].registry?.quorum
    }

    @Test func selfDefaultsToTheNSEntryTheBlockBinds() throws {
        let config = try #require(try quorum(corefile("quorum masters.example.org.")))
        #expect(config.selfIndex == 1)
        #expect(config.key?.name == name("masters.example.org"))
    }

    @Test func selfNamesTheEntryExplicitly() throws {
        let config = try #require(try quorum(corefile(bind: "bind 127.0.0.1", "quorum masters.example.org\nself NS3.example.org")))
        #expect(config.selfIndex == 2)
    }

    @Test func withoutQuorumTheRegistryDecidesAlone() throws {
        #expect(try quorum(corefile("")) == nil)
    }

    @Test(arguments: [
        (corefile("quorum other.example.org."),
         #"Corefile:7:8: zoneregistry: quorum key "other.example.org." is not declared by a tsig directive in this server block"#),
        (corefile("quorum masters.example.org.", ns: "ns ns2.example.org 127.0.0.62"),
         #"Corefile:7:8: zoneregistry: quorum needs at least two ns entries: this master and a fellow"#),
        (corefile("quorum masters.example.org.\nself ns9.example.org"),
         #"Corefile:8:6: zoneregistry: self "ns9.example.org." is not an ns entry; expected one of ns1.example.org., ns2.example.org., ns3.example.org."#),
        (corefile(bind: "bind 127.0.0.1", "quorum masters.example.org."),
         #"Corefile:7:8: zoneregistry: cannot tell which ns entry is this master: no ns entry has an address this block binds; add "self NAME" (one of ns1.example.org., ns2.example.org., ns3.example.org.)"#),
        (corefile(bind: "bind 127.0.0.61 127.0.0.62", "quorum masters.example.org."),
         #"Corefile:7:8: zoneregistry: cannot tell which ns entry is this master: several ns entries have addresses this block binds; add "self NAME" (one of ns1.example.org., ns2.example.org., ns3.example.org.)"#),
        (corefile("self ns2.example.org"), #"Corefile:7:6: zoneregistry: "self" needs "quorum KEY""#),
        (corefile("quorum"), #"Corefile:7:1: zoneregistry: missing argument to "quorum"; expected "quorum KEY""#),
        (corefile("quorum masters.example.org.\nquorum masters.example.org."),
         #"Corefile:8:1: zoneregistry: "quorum" given twice; first at Corefile:7:1"#),
        (corefile("quorum masters.example.org.", ns: "ns ns2.example.org 127.0.0.62\nns ns1.elsewhere.test"),
         #"Corefile:7:8: zoneregistry: fellow ns "ns1.elsewhere.test." has no address to exchange verdicts with"#),
    ] as [(String, String)])
    func invalid(input: String, expected: String) {
        #expect(configErrors(input) == [expected])
    }
}
