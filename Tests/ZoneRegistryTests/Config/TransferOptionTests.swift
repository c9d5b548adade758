import Testing
@testable import ZoneRegistry

private let peerBlock = "zoneregistry {\npeer p1.example.org {\nipv4 127.0.0.1\n}\n}"

/// `transfer` goes on line 2 of a block keyed `example.org`, after it a registry.
private func transferCorefile(_ transfer: String, keys: String = "example.org", registry: String = peerBlock) -> String {
    "\(keys) {\n\(transfer)\n\(registry)\n}\n"
}

private func v4(_ text: String) -> ListenHost { .v4(IPv4Address(text)!) }

@Suite struct TransferOptionTests {
    @Test(arguments: [
        ("transfer {\nto 127.0.0.91\n}", [name("example.org")], [TransferTarget.address(v4("127.0.0.91"), port: 53)]),
        ("transfer example.org {\nto 127.0.0.91 127.0.0.92:5300\n}", [name("example.org")],
         [.address(v4("127.0.0.91"), port: 53), .address(v4("127.0.0.92"), port: 5300)]),
        ("TRANSFER {\nto *\nTo [::1]:5301 ::1\n}", [name("example.org")],
         [.any, .address(.v6(IPv6Address(high: 0, low: 1)), port: 5301), .address(.v6(IPv6Address(high: 0, low: 1)), port: 53)]),
    ] as [(String, [DomainName], [TransferTarget])])
    func transferTargets(input: String, zones: [DomainName], targets: [TransferTarget]) throws {
        let transfers = try parsed(transferCorefile(input)).servers[0].transfers
        #expect(transfers.map(\.zones) == [zones])
        #expect(transfers.map(\.targets) == [targets])
    }

    @Test func severalTransferDirectivesAndAccess() throws {
        let text = transferCorefile("transfer a.example.org {\nto 127.0.0.91\n}\ntransfer b.example.org {\nto *\n}",
                                    registry: "zoneregistry a.example.org b.example.org {\npeer p1.a.example.org {\nipv4 127.0.0.1\n}\n}")
        let transfers = try parsed(text).servers[0].transfers
        #expect(transfers.map(\.zones) == [[name("a.example.org")], [name("b.example.org")]])
        #expect(transfers[0].allows(v4("127.0.0.91")) && !transfers[0].allows(v4("127.0.0.92")))
        #expect(transfers[1].allows(v4("127.0.0.92")) && transfers[1].notifyDestinations.isEmpty)
        #expect(transfers[0].notifyDestinations.map(\.port) == [53])
    }

    @Test(arguments: [
        ("transfer", "Corefile:2:1: expected \"{\" after \"transfer\""),
        ("transfer {\n}", "Corefile:2:10: transfer: no addresses; expected \"to ADDRESS[:PORT]...\""),
        ("transfer {\nto\n}", "Corefile:3:1: transfer: missing argument to \"to\"; expected \"to ADDRESS[:PORT]...\""),
        ("transfer {\nto 127.0.0.1043\n}", "Corefile:3:4: transfer: invalid address \"127.0.0.1043\"; expected *, IP, IPv4:PORT or [IPv6]:PORT"),
        ("transfer {\nto :53\n}", "Corefile:3:4: transfer: invalid address \":53\"; expected *, IP, IPv4:PORT or [IPv6]:PORT"),
        ("transfer {\nto 127.0.0.91 127.0.0.91\n}", "Corefile:3:15: transfer: address \"127.0.0.91\" given twice"),
        ("transfer {\nfrom 127.0.0.91\n}", "Corefile:3:1: transfer: unknown option \"from\"; expected one of to"),
        ("transfer example.net {\nto *\n}", "Corefile:2:1: transfer: zone \"example.net.\" is not a zone of this block's zoneregistry (example.org.)"),
        ("transfer {\nto *\n}\ntransfer {\nto 127.0.0.91\n}", "Corefile:5:1: transfer: zone \"example.org.\" already transferred at Corefile:2:1"),
    ])
    func transferErrors(input: String, expected: String) {
        #expect(configErrors(transferCorefile(input)) == [expected])
    }

    @Test func transferWithoutRegistryIsAnError() {
        #expect(configErrors(serverCorefile("transfer {\nto *\n}")) == [
            "Corefile:2:1: transfer: this server block has no zoneregistry to transfer",
        ])
    }

    @Test(arguments: [
        ("names app www API", ["app", "www", "api"]),
        ("names _dns", ["_dns"]),
    ] as [(String, [String])])
    func serviceNames(input: String, expected: [String]) throws {
        #expect(try #require(parsed(registryCorefile(input)).servers[0].registry).serviceNames == expected)
    }

    @Test(arguments: [
        ("soa 3600 600 604800", SOATimers(refresh: 3600, retry: 600, expire: 604_800)),
        ("soa 1h 10m 168h", SOATimers(refresh: 3600, retry: 600, expire: 604_800)),
        ("soa 60 30 90", SOATimers(refresh: 60, retry: 30, expire: 90)),
    ] as [(String, SOATimers)])
    func soaTimers(input: String, expected: SOATimers) throws {
        #expect(try #require(parsed(registryCorefile(input)).servers[0].registry).soaTimers == expected)
    }

    @Test func soaDefaultsAreTheValuesAnsweredBefore() throws {
        #expect(try #require(parsed(registryCorefile("")).servers[0].registry).soaTimers
            == SOATimers(refresh: 7200, retry: 1800, expire: 86400))
    }

    @Test(arguments: [
        ("names", "Corefile:3:1: zoneregistry: missing argument to \"names\"; expected \"names NAME...\""),
        ("names app.v2", "Corefile:3:7: zoneregistry: service name \"app.v2\" must be one label, such as \"app\""),
        ("names app APP", "Corefile:3:11: zoneregistry: service name \"APP\" given twice"),
        ("names a*b", "Corefile:3:7: invalid service name \"a*b\": invalid character \"*\""),
        ("names p1", "Corefile:2:1: zoneregistry: service name \"p1\" is \"p1.example.org.\", a peer or ns name; choose another"),
        ("soa 3600 600", "Corefile:3:1: zoneregistry: missing argument to \"soa\"; expected \"soa REFRESH RETRY EXPIRE\""),
        ("soa 1 2 3 4", "Corefile:3:11: zoneregistry: unexpected argument \"4\" to \"soa\"; expected \"soa REFRESH RETRY EXPIRE\""),
        ("soa 0 600 86400", "Corefile:3:5: SOA refresh \"0\" is out of range; expected 1s to 8760h"),
        ("soa 3600 1.5 86400", "Corefile:3:10: invalid SOA retry \"1.5\"; expected whole seconds"),
        ("soa 3600 600 1h", "Corefile:3:14: zoneregistry: SOA expire 3600s is less than refresh + retry (4200s)"),
        ("soa 3600 600 x", "Corefile:3:14: invalid SOA expire \"x\"; expected a duration from 1s to 8760h such as 5s, 100ms or 1m30s"),
    ])
    func registryOptionErrors(input: String, expected: String) {
        #expect(configErrors(registryCorefile(input)) == [expected])
    }
}
