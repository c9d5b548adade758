import Testing
@testable import ZoneRegistry

@Suite struct GoDurationTests {
    @Test(arguments: [
        ("5", 5e9), ("0", 0), ("2.5", 2.5e9), ("100ms", 1e8), ("5s", 5e9), ("1m30s", 90e9), ("2h", 7200e9),
        ("1h2m3s4ms", 3723.004e9), ("1.5s", 1.5e9), (".5s", 0.5e9), ("5.s", 5e9), ("300us", 3e5), ("300µs", 3e5),
        ("7ns", 7), ("-5s", -5e9), ("+5s", 5e9),
    ] as [(String, Double)])
    func parses(text: String, nanoseconds: Double) {
        #expect(GoDuration.nanoseconds(text) == nanoseconds)
    }

    @Test(arguments: ["", "s", "5x", "5S", "1d", "5s5", "1..5s", ".", ".s", "-", "5 s", "ms5", "1.2.3"])
    func rejects(text: String) {
        #expect(GoDuration.nanoseconds(text) == nil)
    }

    @Test(arguments: [(0, "0s"), (100, "100ms"), (5_000, "5s"), (90_000, "1m30s"), (300_000, "5m"), (3_723_004, "1h2m3s4ms")])
    func formats(milliseconds: Int, text: String) {
        #expect(GoDuration.format(milliseconds: milliseconds) == text)
    }
}

@Suite struct SuggestionTests {
    @Test(arguments: [
        ("intervall", "interval"), ("INTERVAL", "interval"), ("promethus", "prometheus"), ("lgo", "log"),
        ("ipv5", "ipv4"), ("failopen", "fail_open"), ("tls_cert", nil), ("ns1", "ns"), ("zz", nil), ("cache", nil), ("x", nil),
    ] as [(String, String?)])
    func suggests(word: String, expected: String?) {
        let known = ServerBlockParser.directives + RegistryParser.options + PeerParser.options
        #expect(Suggestion.closest(to: word, in: known) == expected)
    }
}
