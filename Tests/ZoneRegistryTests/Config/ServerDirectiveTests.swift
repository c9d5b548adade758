import Testing
@testable import ZoneRegistry

private let loopback4 = ListenHost.v4(IPv4Address(value: 0x7f00_0001))

@Suite struct ServerDirectiveTests {
    @Test(arguments: [
        ("bind 127.0.0.1", [loopback4]),
        ("bind 127.0.0.1 ::1", [loopback4, .v6(IPv6Address(high: 0, low: 1))]),
        ("BIND 0.0.0.0", [.v4(IPv4Address(value: 0))]),
    ] as [(String, [ListenHost])])
    func bind(input: String, expected: [ListenHost]) throws {
        #expect(try parsed(serverCorefile(input)).servers[0].bind == expected)
    }

    @Test(arguments: [
        ("health", HealthDirective()),
        ("health :9090", HealthDirective(address: HTTPListenAddress(host: nil, port: 9090))),
        ("health 127.0.0.1:8080 {\nlameduck 5s\n}", HealthDirective(address: HTTPListenAddress(host: loopback4, port: 8080), lameduckMilliseconds: 5_000)),
        ("health {\nLameDuck 1m30s\n}", HealthDirective(lameduckMilliseconds: 90_000)),
        ("health {\nlameduck 10\n}", HealthDirective(lameduckMilliseconds: 10_000)),
        ("health {\nlameduck 0\n}", HealthDirective()),
        ("health {\n}", HealthDirective()),
    ] as [(String, HealthDirective)])
    func health(input: String, expected: HealthDirective) throws {
        #expect(try parsed(serverCorefile(input)).servers[0].health == expected)
    }

    @Test(arguments: [
        ("ready", "ready", HTTPListenAddress(host: nil, port: 8181)),
        ("ready :9191", "ready", HTTPListenAddress(host: nil, port: 9191)),
        ("ready [::1]:8181", "ready", HTTPListenAddress(host: .v6(IPv6Address(high: 0, low: 1)), port: 8181)),
        ("prometheus", "prometheus", HTTPListenAddress(host: loopback4, port: 9153)),
        ("prometheus localhost:9253", "prometheus", HTTPListenAddress(host: loopback4, port: 9253)),
        ("prometheus :9153", "prometheus", HTTPListenAddress(host: nil, port: 9153)),
        ("prometheus 0.0.0.0:9153", "prometheus", HTTPListenAddress(host: .v4(IPv4Address(value: 0)), port: 9153)),
    ] as [(String, String, HTTPListenAddress)])
    func httpEndpoints(input: String, directive: String, expected: HTTPListenAddress) throws {
        let server = try parsed(serverCorefile(input)).servers[0]
        #expect((directive == "ready" ? server.ready : server.prometheus) == expected)
    }

    @Test func flagsAreOffUnlessGiven() throws {
        let bare = try parsed(serverCorefile("")).servers[0]
        #expect(!bare.whoami && !bare.log && !bare.errors && !bare.debug && bare.health == nil && bare.ready == nil)
        let all = try parsed(serverCorefile("whoami\nlog\nerrors\nDebug")).servers[0]
        #expect(all.whoami && all.log && all.errors && all.debug)
    }

    @Test(arguments: [
        ("bind", #"Corefile:2:1: missing argument to "bind"; expected "bind ADDRESS...""#),
        ("bind eth0", #"Corefile:2:6: invalid IP address "eth0""#),
        ("bind 127.0.0.1 127.0.0.1", #"Corefile:2:16: bind address "127.0.0.1" given twice"#),
        ("health 8080", #"Corefile:2:8: invalid listen address "8080"; expected :PORT, IPv4:PORT, [IPv6]:PORT or localhost:PORT"#),
        ("health example.org:8080", #"Corefile:2:8: invalid listen address "example.org:8080"; expected :PORT, IPv4:PORT, [IPv6]:PORT or localhost:PORT"#),
        ("health ::1:8080", #"Corefile:2:8: invalid listen address "::1:8080"; expected :PORT, IPv4:PORT, [IPv6]:PORT or localhost:PORT"#),
        ("health :0", #"Corefile:2:8: invalid listen address ":0"; expected :PORT, IPv4:PORT, [IPv6]:PORT or localhost:PORT"#),
        ("health :8080 :8081", #"Corefile:2:14: unexpected argument ":8081" to "health"; expected "health [ADDRESS]""#),
        ("health {\nlameduk 5s\n}", #"Corefile:3:1: health: unknown option "lameduk"; did you mean "lameduck"?"#),
        ("health {\nlameduck\n}", #"Corefile:3:1: health: missing argument to "lameduck"; expected "lameduck DURATION""#),
        ("health {\nlameduck 5 s\n}", #"Corefile:3:12: health: unexpected argument "s" to "lameduck"; expected "lameduck DURATION""#),
        ("health {\nlameduck 5x\n}", #"Corefile:3:10: invalid lameduck "5x"; expected a duration from 0s to 10m such as 5s, 100ms or 1m30s"#),
        ("health {\nlameduck 11m\n}", #"Corefile:3:10: lameduck "11m" is out of range; expected 0s to 10m"#),
        ("health {\nlameduck 1s\nlameduck 2s\n}", #"Corefile:4:1: health: "lameduck" given twice; first at Corefile:3:1"#),
        ("ready localhost", #"Corefile:2:7: invalid listen address "localhost"; expected :PORT, IPv4:PORT, [IPv6]:PORT or localhost:PORT"#),
        ("ready :8181 {\n}", #"Corefile:2:13: "ready" does not take a block"#),
        ("prometheus :9153 :9154", #"Corefile:2:18: unexpected argument ":9154" to "prometheus"; expected "prometheus [ADDRESS]""#),
        ("whoami now", #"Corefile:2:8: unexpected argument "now" to "whoami"; expected "whoami""#),
        ("errors {\nconsolidate 5m\n}", #"Corefile:2:8: "errors" does not take a block"#),
        ("debug on", #"Corefile:2:7: unexpected argument "on" to "debug"; expected "debug""#),
        ("log\nlog", #"Corefile:3:1: "log" given twice; first at Corefile:2:1"#),
        ("whoami\nWHOAMI", #"Corefile:3:1: "WHOAMI" given twice; first at Corefile:2:1"#),
        ("promethues", #"Corefile:2:1: unknown directive "promethues"; did you mean "prometheus"?"#),
        ("zoneregisty", #"Corefile:2:1: unknown directive "zoneregisty"; did you mean "zoneregistry"?"#),
        ("forward . 8.8.8.8", #"Corefile:2:1: unknown directive "forward"; expected one of bind, zoneregistry, whoami, health, ready, prometheus, control, log, errors, debug, tsig, transfer"#),
        ("import common", #"Corefile:2:1: unknown directive "import"; import and snippets are not supported, write the directives out"#),
    ] as [(String, String)])
    func invalidDirectives(input: String, expected: String) {
        #expect(configErrors(serverCorefile(input)) == [expected])
    }
}
