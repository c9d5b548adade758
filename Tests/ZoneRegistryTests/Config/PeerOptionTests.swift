import Testing
@testable import ZoneRegistry

private func peer(_ options: String, address: String = "ipv4 127.0.0.1") throws -> PeerConfig {
    try #require(try parsed(peerCorefile(options, address: address)).servers[0].registry?.peers.first)
}

@Suite struct PeerOptionTests {
    @Test func defaultsFollowSpec() throws {
        let p = try peer("")
        #expect(p.host == name("p1.example.org") && p.role == .primary && p.labels.isEmpty)
        #expect(p.ipv4 == IPv4Address(value: 0x7f00_0001) && p.ipv6 == nil)
        #expect(p.probeProtocol == .http && p.path == "/health" && p.port == 8080)
        #expect(!p.tlsInsecure && p.tlsCAFile == nil && p.location == location(3, 6))
    }

    @Test(arguments: [("role primary", PeerRole.primary), ("role secondary", .secondary), ("Role SECONDARY", .secondary)])
    func role(input: String, expected: PeerRole) throws {
        #expect(try peer(input).role == expected)
    }

    @Test(arguments: [
        ("labels cluster-env=prod", [PeerConfig.Label(key: "cluster-env", value: "prod")]),
        ("labels a=1 b=x=y", [.init(key: "a", value: "1"), .init(key: "b", value: "x=y")]),
        ("labels Env=Prod", [.init(key: "Env", value: "Prod")]),
    ] as [(String, [PeerConfig.Label])])
    func labels(input: String, expected: [PeerConfig.Label]) throws {
        #expect(try peer(input).labels == expected)
    }

    /// Keys are case-insensitive: the plugin's README wrote `IPv4`.
    @Test(arguments: [
        ("ipv4 172.100.0.101", "172.100.0.101", nil),
        ("IPv4 172.100.0.101", "172.100.0.101", nil),
        ("IPv6 2001:db8::101", nil, "2001:db8::101"),
        ("ipv4 127.0.0.2\nipv6 ::1", "127.0.0.2", "::1"),
    ] as [(String, String?, String?)])
    func addresses(input: String, ipv4: String?, ipv6: String?) throws {
        let p = try peer(input, address: "")
        #expect(p.ipv4?.description == ipv4 && p.ipv6?.description == ipv6)
    }

    @Test(arguments: [("protocol http", ProbeProtocol.http), ("protocol https", .https), ("protocol TCP", .tcp)])
    func probeProtocol(input: String, expected: ProbeProtocol) throws {
        #expect(try peer(input).probeProtocol == expected)
    }

    @Test(arguments: [("path /health", "/health"), ("path /healthz?full=1", "/healthz?full=1"), ("path \"/\"", "/")])
    func path(input: String, expected: String) throws {
        #expect(try peer(input).path == expected)
    }

    @Test(arguments: [("port 1", 1), ("port 8080", 8080), ("port 65535", 65535)] as [(String, UInt16)])
    func port(input: String, expected: UInt16) throws {
        #expect(try peer(input).port == expected)
    }

    @Test func tlsOptionsWithHttps() throws {
        let p = try peer("protocol https\ntls_insecure\ntls_ca /etc/ssl/ca.pem")
        #expect(p.tlsInsecure && p.tlsCAFile == "/etc/ssl/ca.pem")
    }
}

@Suite struct PeerOptionErrorTests {
    @Test(arguments: [
        ("ipv5 1.2.3.4", #"Corefile:4:1: peer: unknown option "ipv5"; did you mean "ipv4"?"#),
        ("lables a=b", #"Corefile:4:1: peer: unknown option "lables"; did you mean "labels"?"#),
        ("weight 3", #"Corefile:4:1: peer: unknown option "weight"; expected one of role, labels, ipv4, ipv6, protocol, path, port, tls_insecure, tls_ca, expect, expect_body, header, host, probe_source"#),
        ("role master", #"Corefile:4:6: invalid role "master"; expected primary or secondary"#),
        ("role", #"Corefile:4:1: peer: missing argument to "role"; expected "role primary|secondary""#),
        ("role primary secondary", #"Corefile:4:14: peer: unexpected argument "secondary" to "role"; expected "role primary|secondary""#),
        ("role primary\nrole primary", #"Corefile:5:1: peer: "role" given twice; first at Corefile:4:1"#),
        ("labels", #"Corefile:4:1: peer: missing argument to "labels"; expected "labels KEY=VALUE...""#),
        ("labels prod", #"Corefile:4:8: invalid label "prod"; expected KEY=VALUE"#),
        ("labels a=1 a=2", #"Corefile:4:12: label key "a" given twice"#),
        ("ipv4 127.0.0.1", #"Corefile:5:1: peer: "ipv4" given twice; first at Corefile:4:1"#),
        ("ipv6 127.0.0.1", #"Corefile:4:6: invalid IPv6 address "127.0.0.1""#),
        ("protocol grpc", #"Corefile:4:10: invalid protocol "grpc"; expected http, https or tcp"#),
        ("path health", #"Corefile:4:6: invalid path "health"; expected printable ASCII starting with "/", such as /health"#),
        ("path \"/a b\"", #"Corefile:4:6: invalid path "/a b"; expected printable ASCII starting with "/", such as /health"#),
        ("port 0", #"Corefile:4:6: port "0" is out of range; expected 1 to 65535"#),
        ("port 65536", #"Corefile:4:6: port "65536" is out of range; expected 1 to 65535"#),
        ("port http", #"Corefile:4:6: invalid port "http"; expected an integer from 1 to 65535"#),
        ("tls_insecure", #"Corefile:4:1: peer: "tls_insecure" applies only to protocol https; this peer uses http"#),
        ("protocol tcp\ntls_ca ca.pem", #"Corefile:5:1: peer: "tls_ca" applies only to protocol https; this peer uses tcp"#),
        ("protocol https\ntls_insecure yes", #"Corefile:5:14: peer: unexpected argument "yes" to "tls_insecure"; expected "tls_insecure""#),
        ("protocol https\ntls_ca", #"Corefile:5:1: peer: missing argument to "tls_ca"; expected "tls_ca FILE""#),
        ("protocol https\ntls_ca \"\"", #"Corefile:5:8: invalid tls_ca file ""; expected a path to a PEM file"#),
    ] as [(String, String)])
    func invalidOptions(input: String, expected: String) {
        #expect(configErrors(peerCorefile(input)) == [expected])
    }

    @Test(arguments: [
        ("example.org {\nzoneregistry {\npeer p1.example.org {\nrole primary\n}\n}\n}",
         [#"Corefile:3:6: peer "p1.example.org" has no address; expected "ipv4 ADDRESS" or "ipv6 ADDRESS""#]),
        // One mistake, one error: a bad address is not also reported as a missing one.
        ("example.org {\nzoneregistry {\npeer p1.example.org {\nipv4 1.2.3\n}\n}\n}",
         [#"Corefile:4:6: invalid IPv4 address "1.2.3""#]),
        ("example.org {\nzoneregistry {\npeer p1.example.org\n}\n}",
         [#"Corefile:3:6: zoneregistry: expected "{" after "p1.example.org""#]),
        ("example.org {\nzoneregistry {\npeer {\nipv4 127.0.0.1\n}\n}\n}",
         [#"Corefile:3:1: zoneregistry: missing argument to "peer"; expected "peer HOST { ... }""#]),
        ("example.org {\nzoneregistry {\npeer a.example.org b.example.org {\nipv4 127.0.0.1\n}\n}\n}",
         [#"Corefile:3:20: zoneregistry: unexpected argument "b.example.org" to "peer"; expected "peer HOST { ... }""#]),
        ("example.org {\nzoneregistry {\npeer a.example.org{\nipv4 127.0.0.1\n}\n}\n}",
         [#"Corefile:3:6: missing space before "{" in "a.example.org{""#]),
        ("example.org {\nzoneregistry {\npeer p1.other.org {\nipv4 127.0.0.1\n}\n}\n}",
         [#"Corefile:3:6: peer host "p1.other.org." is not below the registry's zones (example.org.)"#]),
        ("example.org {\nzoneregistry {\npeer example.org {\nipv4 127.0.0.1\n}\n}\n}",
         [#"Corefile:3:6: peer host "example.org." is not below the registry's zones (example.org.)"#]),
        ("example.org {\nzoneregistry {\npeer p1.example.org {\nipv4 127.0.0.1\n}\npeer P1.example.org. {\nipv4 127.0.0.2\n}\n}\n}",
         [#"Corefile:6:6: peer "p1.example.org." given twice; first at Corefile:3:6"#]),
    ] as [(String, [String])])
    func invalidPeers(input: String, expected: [String]) {
        #expect(configErrors(input) == expected)
    }

    @Test func errorsInSeveralPeersAreAllReported() {
        let text = "example.org {\nzoneregistry {\npeer a.example.org {\nipv4 1.2.3.4.5\nport 0\n}\npeer b.example.org {\nipv6 ::g\n}\n}\n}"
        #expect(configErrors(text) == [
            #"Corefile:4:6: invalid IPv4 address "1.2.3.4.5""#,
            #"Corefile:5:6: port "0" is out of range; expected 1 to 65535"#,
            #"Corefile:8:6: invalid IPv6 address "::g""#,
        ])
    }
}
