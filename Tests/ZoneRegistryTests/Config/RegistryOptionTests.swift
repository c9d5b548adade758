import Testing
@testable import ZoneRegistry

private func registry(_ options: String) throws -> RegistryConfig {
    try #require(try parsed(registryCorefile(options)).servers[0].registry)
}

@Suite struct RegistryOptionTests {
    @Test func defaultsFollowSpec() throws {
        let r = try registry("")
        #expect(r.zones == [name("example.org")])
        #expect(r.intervalMilliseconds == 60_000 && r.timeoutMilliseconds == 5_000 && r.ttl == 300)
        #expect(r.fallthroughZones == nil && r.mode == .delegate && r.nameServers.isEmpty)
        #expect(r.rise == 1 && r.fall == 1 && r.select.isEmpty && r.failOpen && !r.debug && !r.metrics)
        #expect(r.location == location(2, 1))
    }

    @Test(arguments: [
        ("interval 5", 5_000), ("interval 100ms", 100), ("interval 1m30s", 90_000), ("interval 300s", 300_000),
        ("interval 2.5", 2_500), ("interval 1.5s", 1_500), ("INTERVAL 5m", 300_000), ("interval 0.1", 100),
    ] as [(String, Int)])
    func interval(input: String, expected: Int) throws {
        #expect(try registry(input).intervalMilliseconds == expected)
    }

    @Test(arguments: [
        ("timeout 10", 10_000), ("timeout 10ms", 10), ("timeout 30s", 30_000), ("timeout 250ms", 250), ("timeout 10500us", nil),
    ] as [(String, Int?)])
    func timeout(input: String, expected: Int?) throws {
        if let expected {
            #expect(try registry(input).timeoutMilliseconds == expected)
        } else {
            #expect(configErrors(registryCorefile(input)) == [#"Corefile:3:9: invalid timeout "10500us"; expected a whole number of milliseconds"#])
        }
    }

    @Test(arguments: [("ttl 0", 0), ("ttl 300", 300), ("ttl 3600", 3600), ("TTL 60", 60)] as [(String, UInt32)])
    func ttl(input: String, expected: UInt32) throws {
        #expect(try registry(input).ttl == expected)
    }

    @Test(arguments: [
        ("fallthrough", [] as [String]),
        ("fallthrough in-addr.arpa ip6.arpa", ["in-addr.arpa.", "ip6.arpa."]),
    ] as [(String, [String])])
    func fallthroughZones(input: String, expected: [String]) throws {
        #expect(try registry(input).fallthroughZones?.map(\.description) == expected)
    }

    @Test(arguments: [("mode delegate", AnswerMode.delegate), ("mode address", .address), ("mode CNAME", .cname)])
    func mode(input: String, expected: AnswerMode) throws {
        #expect(try registry(input).mode == expected)
    }

    @Test func nameServers() throws {
        let r = try registry("ns ns1.example.org 127.0.0.1 ::1\nns ns2.example.net\nns ns3.example.org 127.0.0.3")
        #expect(r.nameServers == [
            NameServerConfig(name: name("ns1.example.org"), ipv4: [IPv4Address(value: 0x7f00_0001)], ipv6: [IPv6Address(high: 0, low: 1)]),
            NameServerConfig(name: name("ns2.example.net")),
            NameServerConfig(name: name("ns3.example.org"), ipv4: [IPv4Address(value: 0x7f00_0003)]),
        ])
    }

    @Test(arguments: [("rise 3\nfall 10", 3, 10), ("rise 1\nfall 1", 1, 1), ("fall 2", 1, 2)] as [(String, Int, Int)])
    func riseAndFall(input: String, rise: Int, fall: Int) throws {
        let r = try registry(input)
        #expect(r.rise == rise && r.fall == fall)
    }

    @Test func select() throws {
        #expect(try registry("select cluster-env=prod region=eu").select == [
            .init(key: "cluster-env", value: "prod"), .init(key: "region", value: "eu"),
        ])
        #expect(try registry("select tier=").select == [.init(key: "tier", value: "")])
    }

    @Test(arguments: [("fail_open on", true), ("fail_open off", false), ("FAIL_OPEN Off", false)])
    func failOpen(input: String, expected: Bool) throws {
        #expect(try registry(input).failOpen == expected)
    }

    @Test func debugAndMetrics() throws {
        let r = try registry("debug\nmetrics")
        #expect(r.debug && r.metrics)
    }

    /// Zones default to the keys' zones (each once); given zones may lie below a key's zone.
    @Test(arguments: [
        ("example.org", "", ["example.org."]),
        ("example.org example.net:1053 example.org:1053", "", ["example.org.", "example.net."]),
        ("example.org", "svc.example.org EXAMPLE.org", ["svc.example.org.", "example.org."]),
        (".", "service.pinax.network", ["service.pinax.network."]),
    ] as [(String, String, [String])])
    func zones(keys: String, zones: String, expected: [String]) throws {
        let text = "\(keys) {\nzoneregistry \(zones) {\npeer p1.\(expected[0]) {\nipv4 127.0.0.1\n}\n}\n}"
        #expect(try parsed(text).servers[0].registry?.zones.map(\.description) == expected)
    }
}

@Suite struct RegistryOptionErrorTests {
    @Test(arguments: [
        ("intervall 5", #"Corefile:3:1: zoneregistry: unknown option "intervall"; did you mean "interval"?"#),
        ("peers a b", #"Corefile:3:1: zoneregistry: unknown option "peers"; did you mean "peer"?"#),
        ("cache 30", #"Corefile:3:1: zoneregistry: unknown option "cache"; expected one of interval, timeout, ttl, fallthrough, mode, ns, rise, fall, select, fail_open, debug, metrics, peer, names, soa, expect, expect_body, header, host, probe_source, quorum, self"#),
        ("interval", #"Corefile:3:1: zoneregistry: missing argument to "interval"; expected "interval DURATION""#),
        ("interval 5 10", #"Corefile:3:12: zoneregistry: unexpected argument "10" to "interval"; expected "interval DURATION""#),
        ("interval 5x", #"Corefile:3:10: invalid interval "5x"; expected a duration from 100ms to 5m such as 5s, 100ms or 1m30s"#),
        ("interval 5s5", #"Corefile:3:10: invalid interval "5s5"; expected a duration from 100ms to 5m such as 5s, 100ms or 1m30s"#),
        ("interval ms", #"Corefile:3:10: invalid interval "ms"; expected a duration from 100ms to 5m such as 5s, 100ms or 1m30s"#),
        ("interval 99ms", #"Corefile:3:10: interval "99ms" is out of range; expected 100ms to 5m"#),
        ("interval 301", #"Corefile:3:10: interval "301" is out of range; expected 100ms to 5m"#),
        ("interval -5s", #"Corefile:3:10: interval "-5s" is out of range; expected 100ms to 5m"#),
        ("interval 5\ninterval 6", #"Corefile:4:1: zoneregistry: "interval" given twice; first at Corefile:3:1"#),
        ("interval 5 {\n}", #"Corefile:3:12: zoneregistry: "interval" does not take a block"#),
        ("timeout 9ms", #"Corefile:3:9: timeout "9ms" is out of range; expected 10ms to 30s"#),
        ("timeout 31s", #"Corefile:3:9: timeout "31s" is out of range; expected 10ms to 30s"#),
        ("ttl 3601", #"Corefile:3:5: TTL "3601" is out of range; expected 0 to 3600"#),
        ("ttl -1", #"Corefile:3:5: invalid TTL "-1"; expected an integer from 0 to 3600"#),
        ("ttl 5m", #"Corefile:3:5: invalid TTL "5m"; expected an integer from 0 to 3600"#),
        ("ttl 99999999999999999999", #"Corefile:3:5: TTL "99999999999999999999" is out of range; expected 0 to 3600"#),
        ("ttl", #"Corefile:3:1: zoneregistry: missing argument to "ttl"; expected "ttl SECONDS""#),
        ("fallthrough a..b", #"Corefile:3:13: invalid fallthrough zone "a..b": empty label"#),
        ("fallthrough\nfallthrough", #"Corefile:4:1: zoneregistry: "fallthrough" given twice; first at Corefile:3:1"#),
        ("mode round-robin", #"Corefile:3:6: invalid mode "round-robin"; expected delegate, address or cname"#),
        ("mode", #"Corefile:3:1: zoneregistry: missing argument to "mode"; expected "mode delegate|address|cname""#),
        ("ns", #"Corefile:3:1: zoneregistry: missing argument to "ns"; expected "ns NAME ADDRESS...""#),
        ("ns ns1.example.org", #"Corefile:3:4: ns name "ns1.example.org." is inside the zone and needs an address; expected "ns NAME ADDRESS...""#),
        ("ns ns1.example.org 1.2.3.256", #"Corefile:3:20: invalid IP address "1.2.3.256""#),
        ("ns ns1.example.net 1.1.1.1\nns NS1.example.net.", #"Corefile:4:4: ns name "ns1.example.net." given twice"#),
        ("rise 0", #"Corefile:3:6: rise "0" is out of range; expected 1 to 10"#),
        ("fall 11", #"Corefile:3:6: fall "11" is out of range; expected 1 to 10"#),
        ("rise two", #"Corefile:3:6: invalid rise "two"; expected an integer from 1 to 10"#),
        ("select", #"Corefile:3:1: zoneregistry: missing argument to "select"; expected "select KEY=VALUE...""#),
        ("select prod", #"Corefile:3:8: invalid label "prod"; expected KEY=VALUE"#),
        ("select =prod", #"Corefile:3:8: invalid label "=prod"; expected KEY=VALUE"#),
        ("select env=a env=b", #"Corefile:3:14: label key "env" given twice"#),
        ("fail_open yes", #"Corefile:3:11: invalid fail_open "yes"; expected on or off"#),
        ("fail_open", #"Corefile:3:1: zoneregistry: missing argument to "fail_open"; expected "fail_open on|off""#),
        ("debug all", #"Corefile:3:7: zoneregistry: unexpected argument "all" to "debug"; expected "debug""#),
        ("metrics\nmetrics", #"Corefile:4:1: zoneregistry: "metrics" given twice; first at Corefile:3:1"#),
    ] as [(String, String)])
    func invalidOptions(input: String, expected: String) {
        #expect(configErrors(registryCorefile(input)) == [expected])
    }

    @Test(arguments: [
        ("example.org {\nzoneregistry other.org {\npeer p.other.org {\nipv4 127.0.0.1\n}\n}\n}",
         [#"Corefile:2:14: zone "other.org." is not within this server block's zones (example.org.)"#]),
        ("example.org {\nzoneregistry example.org example.org {\npeer p.example.org {\nipv4 127.0.0.1\n}\n}\n}",
         [#"Corefile:2:26: zone "example.org." given twice"#]),
        ("example.org {\nzoneregistry\n}", [#"Corefile:2:1: zoneregistry: no peers; expected at least one "peer HOST { ... }""#]),
        ("example.org {\nzoneregistry {\n}\n}", [#"Corefile:2:1: zoneregistry: no peers; expected at least one "peer HOST { ... }""#]),
        ("example.org {\nzoneregistry {\npeer p.example.org {\nipv4 127.0.0.1\n}\n}\nzoneregistry\n}",
         [#"Corefile:7:1: "zoneregistry" given twice; first at Corefile:2:1"#]),
    ] as [(String, [String])])
    func invalidRegistries(input: String, expected: [String]) {
        #expect(configErrors(input) == expected)
    }
}
