import Testing
@testable import ZoneRegistry

@Suite struct HTTPProbeRequestTests {
    @Test func requestCarriesPathHostWithoutFinalDotAndUserAgent() throws {
        let host = try DomainName(parsing: "prod1.service.example.net.")
        let bytes = HTTPProbeRequest.bytes(path: "/health", host: host, version: "1.2.3")
        #expect(String(decoding: bytes, as: UTF8.self) ==
            "GET /health HTTP/1.1\r\nHost: prod1.service.example.net\r\nConnection: close\r\n"
            + "User-Agent: zoneregistry/1.2.3\r\n\r\n")
    }

    @Test func pathIsSentAsConfigured() throws {
        let host = try DomainName(parsing: "peer3.service.pinax.network")
        let text = String(decoding: HTTPProbeRequest.bytes(path: "/healthz?full=1", host: host, version: "0"), as: UTF8.self)
        #expect(text.hasPrefix("GET /healthz?full=1 HTTP/1.1\r\nHost: peer3.service.pinax.network\r\n"))
    }

    @Test func configuredHeadersFollowAndAUserAgentReplacesTheDefault() throws {
        let host = try DomainName(parsing: "app.example.org.")
        let at = SourceLocation(file: "Corefile", line: 1, column: 1)
        let plain = HTTPProbeRequest.bytes(path: "/ready", host: host, version: "1", headers: [
            ProbeHeader(name: "X-Probe", value: "zr", location: at),
        ])
        #expect(String(decoding: plain, as: UTF8.self) ==
            "GET /ready HTTP/1.1\r\nHost: app.example.org\r\nConnection: close\r\nUser-Agent: zoneregistry/1\r\nX-Probe: zr\r\n\r\n")
        let agent = HTTPProbeRequest.bytes(path: "/", host: host, version: "1", headers: [
            ProbeHeader(name: "user-agent", value: "kube-probe/1.29", location: at),
        ])
        #expect(String(decoding: agent, as: UTF8.self) ==
            "GET / HTTP/1.1\r\nHost: app.example.org\r\nConnection: close\r\nuser-agent: kube-probe/1.29\r\n\r\n")
    }
}
