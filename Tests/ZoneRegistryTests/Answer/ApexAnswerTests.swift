import Testing
@testable import ZoneRegistry

/// SPEC §4 rows for the zone apex and the `ns` names.
@Suite struct ApexAnswerTests {
    @Test func apexSOAIsAuthoritativeWithConfiguredNames() throws {
        let reply = Harness(ttl: 120).ask("Service.Example.NET", .soa)
        #expect(reply.rcode == 0 && reply.aa && !reply.tc && reply.rd)
        #expect(reply.answer.count == 1 && reply.authority.isEmpty)
        let soa = try #require(reply.answer.first)
        #expect(soa.owner == wire("Service.Example.NET"))
        #expect(soa.ttl == 120)
        #expect(soa.rdata == .soa(mname: wire("ns.Service.Example.NET"), rname: wire("hostmaster.Service.Example.NET"),
                                  serial: 2024, refresh: 7200, retry: 1800, expire: 86400, minimum: 120))
    }

    @Test func apexSOANamesNs1WhenNoMasterIsConfigured() {
        let reply = Harness(nameServers: []).ask(zoneText, .soa)
        guard case .soa(let mname, _, _, _, _, _, _) = reply.answer.first?.rdata else { Issue.record(); return }
        #expect(mname == wire("ns1.service.example.net"))
    }

    @Test func soaSerialFollowsTheHealthySet() {
        let harness = Harness()
        harness.registry!.setHealth(.down, ofPeerAt: 0)
        guard case .soa(_, _, let serial, _, _, _, _) = harness.ask(zoneText, .soa).answer.first?.rdata else {
            Issue.record(); return
        }
        #expect(serial == 2025)
    }

    @Test func apexNSListsMastersWithGlue() {
        let reply = Harness().ask(zoneText, .ns)
        #expect(reply.aa && reply.rcode == 0)
        #expect(reply.answer.map(\.target) == [wire("ns.service.example.net")])
        #expect(reply.glue.map(\.address) == ["198.51.100.53", "2001:db8::53"])
        #expect(reply.glue.allSatisfy { $0.owner == wire("ns.service.example.net") && $0.ttl == 300 })
    }

    @Test func apexNSIsNoDataWithoutMasters() {
        let reply = Harness(nameServers: []).ask(zoneText, .ns)
        #expect(reply.rcode == 0 && reply.aa && reply.answer.isEmpty)
        #expect(reply.authority.map(\.type) == [.soa])
    }

    @Test func apexAddressesOnlyInAddressMode() {
        let address = Harness(mode: .address).ask(zoneText, .a)
        #expect(address.aa && address.answer.map(\.address) == ["192.0.2.1", "192.0.2.2"])
        for mode in [AnswerMode.delegate, .cname] {
            let reply = Harness(mode: mode).ask(zoneText, .a)
            #expect(reply.rcode == 0 && reply.aa && reply.answer.isEmpty && reply.authority.map(\.type) == [.soa])
        }
    }

    @Test func apexAnyIsAnsweredWithTheSOAAlone() {
        let reply = Harness().ask(zoneText, .any)
        #expect(reply.answer.map(\.type) == [.soa])
    }

    @Test func nameServerAddressesAreAuthoritative() {
        let harness = Harness()
        let a = harness.ask("NS.service.example.net", .a)
        #expect(a.aa && a.answer.map(\.address) == ["198.51.100.53"])
        #expect(a.answer.first?.owner == wire("NS.service.example.net"))
        #expect(harness.ask("ns.service.example.net", .aaaa).answer.map(\.address) == ["2001:db8::53"])
        let mx = harness.ask("ns.service.example.net", .mx)
        #expect(mx.aa && mx.rcode == 0 && mx.answer.isEmpty && mx.authority.map(\.type) == [.soa])
    }

    @Test func zoneTransferIsNotImplemented() {
        #expect(Harness().ask(zoneText, .axfr, transport: .tcp).rcode == Rcode.notImp.rawValue)
    }
}
