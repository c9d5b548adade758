import Testing
@testable import ZoneRegistry

/// Which block and which handler answer: zones, whoami, fallthrough, classes.
@Suite struct HandlerChainTests {
    @Test func namesOutsideEveryZoneAreRefused() {
        let (outcome, bytes) = Harness().raw(makeQuery("example.org", .a))
        let reply = DecodedMessage(bytes)!
        #expect(reply.rcode == Rcode.refused.rawValue && !reply.aa && outcome.zoneIndex == nil)
        #expect(Harness().ask("example.net", .soa).rcode == Rcode.refused.rawValue)
    }

    @Test func longestZoneAcrossBlocksTakesTheQuery() {
        let config = registryConfig(peers: standardPeers)
        let registryBlock = ServerBlock(config: blockConfig([zoneText], registry: config),
                                        registry: Registry(config: config, serial: 1, previous: nil))
        let rootBlock = ServerBlock(config: blockConfig(["."], whoami: true), registry: nil)
        let harness = Harness(zones: [(zone: ".", block: rootBlock), (zone: zoneText, block: registryBlock)])
        let (outcome, _) = harness.raw(makeQuery("api.service.example.net", .a))
        #expect(outcome.zoneIndex == 1)
        #expect(harness.ask("api.service.example.net", .a).authority.count == 2)
        let (other, bytes) = harness.raw(makeQuery("example.org", .a))
        #expect(other.zoneIndex == 0 && DecodedMessage(bytes)!.glue.count == 2)
    }

    @Test func onlyQueriesTheRegistryAnswersAreMarkedAsRegistryQueries() {
        let config = registryConfig(zones: ["service.example.net", "other.example.net"], peers: standardPeers)
        let block = ServerBlock(config: blockConfig(["."], whoami: true, registry: config),
                                registry: Registry(config: config, serial: 1, previous: nil))
        let harness = Harness(zones: [(zone: ".", block: block)])
        let (inRegistry, _) = harness.raw(makeQuery("api.other.example.net", .a))
        #expect(inRegistry.zoneIndex == 0 && inRegistry.registryZoneIndex == 1)
        // Block `.` takes it, the registry does not: whoami answers, not a registry query.
        let (outside, _) = harness.raw(makeQuery("example.org", .a))
        #expect(outside.zoneIndex == 0 && outside.registryZoneIndex == nil)
        let fallsThrough = Harness(mode: .address, fallthroughZones: [], whoami: true)
        #expect(fallsThrough.raw(makeQuery("api.service.example.net", .mx)).0.registryZoneIndex == nil)
        #expect(fallsThrough.raw(makeQuery("api.service.example.net", .a)).0.registryZoneIndex == 0)
    }

    @Test func whoamiReportsTheClientAddressAndPort() {
        let block = ServerBlock(config: blockConfig(["."], whoami: true), registry: nil)
        let harness = Harness(zones: [(zone: ".", block: block)])
        let reply = harness.ask(makeQuery("Example.org", .a))
        #expect(reply.rcode == 0 && reply.aa && reply.answer.isEmpty && reply.authority.isEmpty)
        #expect(reply.additional.count == 2)
        #expect(reply.additional[0].owner == wire("Example.org") && reply.additional[0].address == "127.0.0.1")
        #expect(reply.additional[0].ttl == 0)
        #expect(reply.additional[1].owner == wire("_udp.Example.org"))
        #expect(reply.additional[1].rdata == .srv(priority: 0, weight: 0, port: 53_535, target: [0]))

        let v6 = ClientAddress.v6(IPv6Address("::1")!, port: 40_000)
        let tcp = harness.ask(makeQuery(".", .a), transport: .tcp, client: v6)
        #expect(tcp.additional[0].owner == [0] && tcp.additional[0].address == "::1")
        #expect(tcp.additional[1].owner == wire("_tcp") && tcp.additional[1].rdata == .srv(priority: 0, weight: 0,
                                                                                             port: 40_000, target: [0]))
    }

    @Test func registryComesBeforeWhoami() {
        let reply = Harness(whoami: true).ask("api.service.example.net", .a)
        #expect(reply.authority.count == 2 && reply.glue.map(\.type) == [.a, .aaaa, .a])
    }

    @Test func fallthroughHandsNoDataToWhoami() {
        let harness = Harness(mode: .address, fallthroughZones: [], whoami: true)
        let reply = harness.ask("api.service.example.net", .mx)
        #expect(reply.authority.isEmpty && reply.additional.map(\.type) == [.a, .srv])
        #expect(harness.ask("api.service.example.net", .a).answer.count == 2)
    }

    @Test func fallthroughWithNothingAfterItIsRefused() {
        let harness = Harness(failOpen: false, fallthroughZones: [zoneText])
        for index in 0..<3 { harness.registry!.setHealth(.down, ofPeerAt: index) }
        #expect(harness.ask("api.service.example.net", .a).rcode == Rcode.refused.rawValue)
    }

    @Test func fallthroughOnlyCoversItsZones() {
        let harness = Harness(mode: .address, fallthroughZones: ["other.service.example.net"], whoami: true)
        #expect(harness.ask("api.service.example.net", .mx).authority.map(\.type) == [.soa])
        #expect(harness.ask("x.other.service.example.net", .mx).additional.map(\.type) == [.a, .srv])
    }

    @Test func registryAnswersOnlyClassINAndANY() {
        #expect(Harness().ask(zoneText, .soa, qclass: .chaos).rcode == Rcode.refused.rawValue)
        let any = Harness().ask(zoneText, .soa, qclass: .any)
        #expect(any.answer.first?.rclass == RecordClass.in.rawValue)
        let chaos = Harness(whoami: true).ask(zoneText, .txt, qclass: .chaos)
        #expect(chaos.additional.first?.rclass == RecordClass.chaos.rawValue)
    }
}
