import Testing
@testable import ZoneRegistry

/// SPEC §12 probe options, in a peer (line 4 of `peerCorefile`) and registry-wide (line 3 of
/// `registryCorefile`). `probe_source` binds a socket at load: 127.0.11.0/24 is this suite's
/// share of loopback (every 127/8 address binds on Linux), 192.0.2.0/24 (RFC 5737) never does.
private func peer(_ options: String, address: String = "ipv4 127.0.0.1") throws -> PeerConfig {
    try #require(try parsed(peerCorefile(options, address: address)).servers[0].registry?.peers.first)
}

/// A registry with `registryOptions` (line 3) and one peer with `peerOptions` (line 5).
private func registryWithPeer(_ registryOptions: String, _ peerOptions: String) -> String {
    "example.org {\nzoneregistry {\n\(registryOptions)\npeer p1.example.org {\n\(peerOptions)\n}\n}\n}\n"
}

private func v4(_ text: String) -> IPv4Address? { IPv4Address(text) }
private func v6(_ text: String) -> IPv6Address? { IPv6Address(text) }

@Suite struct ProbeSourceOptionTests {
    @Test func noSourceByDefault() throws {
        #expect(try peer("").probe.source == nil)
    }

    @Test(arguments: [
        ("probe_source 127.0.11.61", "ipv4 127.0.0.1", "127.0.11.61", nil),
        ("probe_source 127.0.0.1", "ipv4 127.0.0.1", "127.0.0.1", nil),
        ("probe_source ::1", "ipv6 ::1", nil, "::1"),
        ("probe_source 127.0.11.61 ::1", "ipv4 127.0.0.1\nipv6 ::1", "127.0.11.61", "::1"),
        ("PROBE_SOURCE ::1 127.0.11.62", "ipv4 127.0.0.1\nipv6 ::1", "127.0.11.62", "::1"),
        // A source of a family the peer lacks is simply unused.
        ("probe_source 127.0.11.61 ::1", "ipv4 127.0.0.1", "127.0.11.61", "::1"),
    ] as [(String, String, String?, String?)])
    func peerSource(input: String, address: String, ipv4: String?, ipv6: String?) throws {
        let source = try #require(try peer(input, address: address).probe.source)
        #expect(source.ipv4?.description == ipv4 && source.ipv6?.description == ipv6 && source.location == location(4, 1))
    }

    @Test func registrySourceIsEveryPeersDefault() throws {
        let registry = try #require(try parsed(registryCorefile("probe_source 127.0.11.62")).servers[0].registry)
        #expect(registry.probeDefaults.source?.ipv4 == v4("127.0.11.62"))
        #expect(registry.peers[0].probe.source?.ipv4 == v4("127.0.11.62"))
        #expect(registry.peers[0].probe.source?.location == location(3, 1))
    }

    @Test func aPeersOwnSourceWinsWhole() throws {
        let text = registryWithPeer("probe_source 127.0.11.62", "probe_source ::1\nipv6 ::1")
        let probe = try #require(try parsed(text).servers[0].registry?.peers[0].probe)
        #expect(probe.source?.ipv6 == v6("::1") && probe.source?.ipv4 == nil && probe.source?.location == location(5, 1))
    }

    @Test func sourceTowardTargetTakesItsFamily() throws {
        let source = ProbeSource(ipv4: v4("127.0.11.61"), ipv6: nil, location: location(1, 1))
        #expect(source.address(toward: .v4(v4("127.0.0.1")!)) == .v4(v4("127.0.11.61")!))
        #expect(source.address(toward: .v6(v6("::1")!)) == nil)
    }
}

@Suite struct ProbeSourceOptionErrorTests {
    @Test(arguments: [
        ("probe_source", #"Corefile:4:1: peer: missing argument to "probe_source"; expected "probe_source ADDRESS [ADDRESS]""#),
        ("probe_source 127.0.11.300", #"Corefile:4:14: invalid IP address "127.0.11.300""#),
        ("probe_source 192.0.2.1",
         #"Corefile:4:14: probe_source "192.0.2.1" cannot be bound: EADDRNOTAVAIL (address not available); expected an address this machine can send from"#),
        ("probe_source 127.0.11.61 127.0.11.62",
         #"Corefile:4:26: peer: probe_source takes one IPv4 and one IPv6 address at most; "127.0.11.62" is a second IPv4 address"#),
        ("probe_source 127.0.11.61\nprobe_source 127.0.11.62", #"Corefile:5:1: peer: "probe_source" given twice; first at Corefile:4:1"#),
        ("probe_source ::1",
         #"Corefile:3:6: peer "p1.example.org." has an IPv4 address but its probe_source at Corefile:4:1 has none; add an IPv4 address to it"#),
    ] as [(String, String)])
    func invalidPeerSource(input: String, expected: String) {
        #expect(configErrors(peerCorefile(input)) == [expected])
    }

    @Test(arguments: [
        ("probe_source 2001:db8::1", "ipv6 ::1",
         [#"Corefile:3:14: probe_source "2001:db8::1" cannot be bound: EADDRNOTAVAIL (address not available); expected an address this machine can send from"#]),
        ("probe_source 127.0.11.61", "ipv6 ::1",
         [#"Corefile:4:6: peer "p1.example.org." has an IPv6 address but the registry's probe_source at Corefile:3:1 has none; add an IPv6 address to it or give the peer its own probe_source"#]),
        ("probe_source 127.0.11.61", "ipv4 127.0.0.1\nipv6 ::1",
         [#"Corefile:4:6: peer "p1.example.org." has an IPv6 address but the registry's probe_source at Corefile:3:1 has none; add an IPv6 address to it or give the peer its own probe_source"#]),
        // The peer's own source covers its address: the registry's is not consulted.
        ("probe_source 127.0.11.61", "ipv6 ::1\nprobe_source ::1", []),
        ("probe_source 127.0.11.61\nprobe_source 127.0.11.62", "ipv4 127.0.0.1",
         [#"Corefile:4:1: zoneregistry: "probe_source" given twice; first at Corefile:3:1"#]),
    ] as [(String, String, [String])])
    func invalidRegistrySource(registryOptions: String, peerOptions: String, expected: [String]) {
        #expect(configErrors(registryWithPeer(registryOptions, peerOptions)) == expected)
    }
}

@Suite struct ProbeCheckOptionTests {
    @Test func defaultsAreStatus200AndNothingElse() throws {
        let probe = try peer("").probe
        #expect(probe.expect == nil && probe.expectBody == nil && probe.headers.isEmpty && probe.host == nil)
    }

    @Test(arguments: [
        ("expect 200-299 301", [200...299, 301...301]),
        ("expect 200-399", [200...399]),
        ("EXPECT 503", [503...503]),
        ("expect 100-599", [100...599]),
    ] as [(String, [ClosedRange<Int>])])
    func expect(input: String, ranges: [ClosedRange<Int>]) throws {
        #expect(try peer(input).probe.expect == ExpectedStatus(ranges: ranges))
    }

    @Test(arguments: [("expect_body ready", "ready"), ("expect_body \"status: ok\"", "status: ok"), ("expect_body \"{\"", "{")])
    func expectBody(input: String, text: String) throws {
        #expect(try peer(input).probe.expectBody == text)
    }

    @Test func headersKeepTheirOrderAndValues() throws {
        let headers = try peer("header X-Probe zr\nheader Authorization \"Bearer abc\"\nheader User-Agent probe/1").probe.headers
        #expect(headers.map(\.name) == ["X-Probe", "Authorization", "User-Agent"])
        #expect(headers.map(\.value) == ["zr", "Bearer abc", "probe/1"])
    }

    @Test func hostNamesTheHostHeader() throws {
        #expect(try peer("host app.example.org").probe.host == name("app.example.org"))
    }

    @Test func registryWideOptionsAreDefaultsAPeerOverrides() throws {
        let text = registryWithPeer(
            "expect 200-399\nexpect_body ready\nhost lb.example.org\nheader X-A 1\nheader X-B 2",
            "ipv4 127.0.0.1\nexpect 204\nheader x-b 3\nheader X-C 4")
        let probe = try #require(try parsed(text).servers[0].registry?.peers[0].probe)
        #expect(probe.expect == ExpectedStatus(ranges: [204...204]), "the peer's own expect wins")
        #expect(probe.expectBody == "ready" && probe.host == name("lb.example.org"), "the registry's fill the rest")
        #expect(probe.headers.map { "\($0.name): \($0.value)" } == ["X-A: 1", "x-b: 3", "X-C: 4"], "headers win per name")
    }
}

@Suite struct ProbeCheckOptionErrorTests {
    @Test(arguments: [
        ("expect", #"Corefile:4:1: peer: missing argument to "expect"; expected "expect STATUS...""#),
        ("expect 2xx", #"Corefile:4:8: invalid status "2xx"; expected a code from 100 to 599 or a range such as 200-299"#),
        ("expect 200-", #"Corefile:4:8: invalid status "200-"; expected a code from 100 to 599 or a range such as 200-299"#),
        ("expect 200 20", #"Corefile:4:12: invalid status "20"; expected a code from 100 to 599 or a range such as 200-299"#),
        ("expect 600", #"Corefile:4:8: status "600" is out of range; expected 100 to 599"#),
        ("expect 099-200", #"Corefile:4:8: status "099-200" is out of range; expected 100 to 599"#),
        ("expect 299-200", #"Corefile:4:8: invalid status range "299-200"; expected the lower code first"#),
        ("expect 200\nexpect 201", #"Corefile:5:1: peer: "expect" given twice; first at Corefile:4:1"#),
        ("expect_body", #"Corefile:4:1: peer: missing argument to "expect_body"; expected "expect_body TEXT""#),
        ("expect_body \"\"", #"Corefile:4:13: invalid expect_body ""; expected the text the body must contain"#),
        ("expect_body a b", #"Corefile:4:15: peer: unexpected argument "b" to "expect_body"; expected "expect_body TEXT""#),
        ("header X-Probe", #"Corefile:4:1: peer: missing argument to "header"; expected "header NAME VALUE""#),
        ("header X-Probe a b", #"Corefile:4:18: peer: unexpected argument "b" to "header"; expected "header NAME VALUE""#),
        ("header Host app.example.org", #"Corefile:4:8: peer: the Host header is set with "host NAME", not "header Host""#),
        ("header host x", #"Corefile:4:8: peer: the Host header is set with "host NAME", not "header Host""#),
        ("header \"X Probe\" v", #"Corefile:4:8: invalid header name "X Probe"; expected letters, digits and !#$%&'*+-.^_`|~ only"#),
        ("header X-Probe: v", #"Corefile:4:8: invalid header name "X-Probe:"; expected letters, digits and !#$%&'*+-.^_`|~ only"#),
        ("header X-Probe \"a\nb\"", #"Corefile:4:16: invalid header value "a\nb"; expected no control characters such as CR or LF"#),
        ("header X-Probe \"a\rb\"", #"Corefile:4:16: invalid header value "a\rb"; expected no control characters such as CR or LF"#),
        ("header Connection keep-alive", #"Corefile:4:8: peer: header "Connection" is set by the probe itself and cannot be changed"#),
        ("header Content-Length 5", #"Corefile:4:8: peer: header "Content-Length" is set by the probe itself and cannot be changed"#),
        ("header X-A 1\nheader x-a 2", #"Corefile:5:8: peer: header "x-a" given twice; first at Corefile:4:1"#),
        ("host", #"Corefile:4:1: peer: missing argument to "host"; expected "host NAME""#),
        ("host a b", #"Corefile:4:8: peer: unexpected argument "b" to "host"; expected "host NAME""#),
        ("host app/x", #"Corefile:4:6: invalid host "app/x": invalid character "/""#),
    ] as [(String, String)])
    func invalidPeerOption(input: String, expected: String) {
        #expect(configErrors(peerCorefile(input)) == [expected])
    }

    @Test(arguments: [
        ("header Host x", #"Corefile:3:8: zoneregistry: the Host header is set with "host NAME", not "header Host""#),
        ("expect 700", #"Corefile:3:8: status "700" is out of range; expected 100 to 599"#),
        ("host", #"Corefile:3:1: zoneregistry: missing argument to "host"; expected "host NAME""#),
    ] as [(String, String)])
    func invalidRegistryOption(input: String, expected: String) {
        #expect(configErrors(registryCorefile(input)) == [expected])
    }
}
