import Testing
@testable import ZoneRegistry

@Suite struct ProbeVerdictTests {
    @Test(arguments: [
        (ProbeVerdict.pass, "pass"),
        (.refused, "connect refused"),
        (.timeout(milliseconds: 2000), "timeout after 2000ms"),
        (.reset, "connection reset"),
        (.unreachable, "unreachable"),
        (.closedEarly, "closed before status line"),
        (.garbage, "not an HTTP status line"),
        (.oversized, "status line too long"),
        (.status(503), "status 503 (expected 200)"),
        (.status(503, expected: ExpectedStatus(ranges: [200...299, 301...301])), "status 503 (expected 200-299 301)"),
        (.closedInHeaders, "closed before end of headers"),
        (.headersTooLong, "headers too long"),
        (.bodyLacks("ready"), #"body lacks "ready""#),
        (.badChunkedBody, "malformed chunked body"),
        (.other("cannot send from probe_source: bind 127.0.11.61: EADDRNOTAVAIL (address not available)"),
         "cannot send from probe_source: bind 127.0.11.61: EADDRNOTAVAIL (address not available)"),
        (.tls("certificate verify failed"), "TLS: certificate verify failed"),
        (.other("socket error EMFILE"), "socket error EMFILE"),
    ])
    func logTextNamesTheCause(verdict: ProbeVerdict, text: String) {
        #expect(verdict.description == text)
    }

    @Test(arguments: [
        ("ECONNREFUSED", ProbeVerdict.refused),
        ("ECONNRESET", .reset),
        ("EPIPE", .reset),
        ("ETIMEDOUT", .timeout(milliseconds: 750)),
        ("ECANCELED", .timeout(milliseconds: 750)),
        ("EHOSTUNREACH", .unreachable),
        ("ENETUNREACH", .unreachable),
        ("EOF", .closedEarly),
        ("EMFILE", .other("socket error EMFILE")),
    ])
    func libuvErrorNamesMapToVerdicts(name: String, verdict: ProbeVerdict) {
        #expect(ProbeVerdict(uvErrorName: name, timeoutMilliseconds: 750) == verdict)
    }

    @Test func onlyPassPasses() {
        #expect(ProbeVerdict.pass.passed)
        #expect(!ProbeVerdict.status(503).passed)
        #expect(!ProbeVerdict.refused.passed)
    }
}
