import Testing
@testable import ZoneRegistry

@Suite struct PeerLookupTests {
    static var lookup: PeerLookup { PeerLookup(registries: [
        Registry(config: registryConfig(zones: ["a.test"], peers: [
            peer("prod1.a.test", labels: ["cluster-env": "prod"], v4: "192.0.2.1"),
            peer("dev1.a.test", .secondary, labels: ["cluster-env": "dev", "tier": "2"], v4: "192.0.2.2"),
        ]), serial: 1, previous: nil),
        Registry(config: registryConfig(zones: ["b.test"], peers: [
            peer("prod1.b.test", labels: ["cluster-env": "prod"], v4: "192.0.2.3"),
            peer("dev2.b.test", labels: ["cluster-env": "dev"], v4: "192.0.2.4"),
        ]), serial: 1, previous: nil),
    ]) }

    @Test func findsAHostByFullNameOrUniqueFirstLabel() throws {
        #expect(try Self.lookup.host(named: "PROD1.a.test") == "prod1.a.test.")
        #expect(try Self.lookup.host(named: "dev1.a.test.") == "dev1.a.test.")
        #expect(try Self.lookup.host(named: "dev1") == "dev1.a.test.")
    }

    @Test func refusesAnAmbiguousOrUnknownName() {
        #expect(throws: PeerLookup.Failure.ambiguous("prod1", ["prod1.a.test.", "prod1.b.test."])) { try Self.lookup.host(named: "prod1") }
        #expect(throws: PeerLookup.Failure.unknown("prod9")) { try Self.lookup.host(named: "prod9") }
    }

    @Test func aSelectorNamesEveryPeerCarryingAllItsLabels() throws {
        #expect(try Self.lookup.hosts(selecting: ["cluster-env=dev"]) == ["dev1.a.test.", "dev2.b.test."])
        #expect(try Self.lookup.hosts(selecting: ["cluster-env=dev,tier=2"]) == ["dev1.a.test."])
        #expect(try Self.lookup.hosts(selecting: ["cluster-env=dev", "tier=2"]) == ["dev1.a.test."])
        #expect(throws: PeerLookup.Failure.noMatch("cluster-env=qa")) { try Self.lookup.hosts(selecting: ["cluster-env=qa"]) }
        #expect(throws: PeerLookup.Failure.badSelector("cluster-env")) { try Self.lookup.hosts(selecting: ["cluster-env"]) }
    }
}
