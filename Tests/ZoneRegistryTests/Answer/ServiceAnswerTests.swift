import Testing
@testable import ZoneRegistry

/// SPEC §4 rows for peer hosts and service names, in every mode.
@Suite struct ServiceAnswerTests {
    @Test(arguments: [AnswerMode.delegate, .address, .cname])
    func peerHostAndNamesBelowItAreReferredInEveryMode(mode: AnswerMode) {
        for qname in ["P1.service.example.net", "x.y.p1.Service.example.net"] {
            let reply = Harness(mode: mode).ask(qname, .a)
            #expect(reply.rcode == 0 && !reply.aa && reply.answer.isEmpty)
            let host = Array(wire(qname).suffix(wire("p1.service.example.net").count))
            #expect(reply.authority.count == 1)
            #expect(reply.authority.first?.owner == host && reply.authority.first?.target == host)
            #expect(reply.glue.map(\.address) == ["192.0.2.1", "2001:db8::1"])
            #expect(reply.glue.allSatisfy { $0.owner == host })
        }
    }

    @Test func delegateModeRefersServiceNamesToSelectedPeersInRotatedOrder() {
        let harness = Harness()
        let first = harness.ask("www.Api.service.example.net", .a)
        #expect(first.rcode == 0 && !first.aa && first.answer.isEmpty)
        #expect(first.authority.allSatisfy { $0.owner == wire("Api.service.example.net") && $0.type == .ns })
        #expect(first.authority.map(\.target) == [wire("p1.service.example.net"), wire("p2.service.example.net")])
        #expect(first.glue.map(\.address) == ["192.0.2.1", "2001:db8::1", "192.0.2.2"])
        let second = harness.ask("www.api.service.example.net", .a)
        #expect(second.authority.map(\.target) == [wire("p2.service.example.net"), wire("p1.service.example.net")])
        #expect(second.glue.map(\.address) == ["192.0.2.2", "192.0.2.1", "2001:db8::1"])
    }

    @Test func referralListsHealthyPrimariesOnly() {
        let harness = Harness()
        harness.registry!.setHealth(.down, ofPeerAt: 1)
        #expect(harness.ask("api.service.example.net", .a).authority.map(\.target) == [wire("p1.service.example.net")])
        harness.registry!.setHealth(.down, ofPeerAt: 0)
        #expect(harness.ask("api.service.example.net", .a).authority.map(\.target) == [wire("s1.service.example.net")])
    }

    @Test func failOpenOffAnswersServFailWhenNothingIsHealthy() {
        let harness = Harness(failOpen: false)
        for index in 0..<3 { harness.registry!.setHealth(.down, ofPeerAt: index) }
        let reply = harness.ask("api.service.example.net", .a)
        #expect(reply.rcode == Rcode.servFail.rawValue && reply.authority.isEmpty && !reply.aa)
    }

    @Test func failOpenOnAnswersEveryPeerWhenNothingIsHealthy() {
        let harness = Harness()
        for index in 0..<3 { harness.registry!.setHealth(.down, ofPeerAt: index) }
        #expect(harness.ask("api.service.example.net", .a).authority.count == 3)
    }

    @Test func addressModeAnswersSelectedAddressesOfTheAskedFamily() {
        let harness = Harness(mode: .address, ttl: 30)
        let a = harness.ask("Api.service.example.net", .a)
        #expect(a.rcode == 0 && a.aa && a.authority.isEmpty)
        #expect(a.answer.map(\.address) == ["192.0.2.1", "192.0.2.2"])
        #expect(a.answer.allSatisfy { $0.owner == wire("Api.service.example.net") && $0.ttl == 30 })
        #expect(harness.ask("api.service.example.net", .a).answer.map(\.address) == ["192.0.2.2", "192.0.2.1"])
        #expect(harness.ask("api.service.example.net", .aaaa).answer.map(\.address) == ["2001:db8::1"])
    }

    @Test func addressModeIsNoDataWhenNoSelectedPeerHasTheFamily() {
        let harness = Harness(mode: .address)
        harness.registry!.setHealth(.down, ofPeerAt: 0)                 // only p2 (IPv4 only) is left
        let reply = harness.ask("api.service.example.net", .aaaa)
        #expect(reply.rcode == 0 && reply.aa && reply.answer.isEmpty && reply.authority.map(\.type) == [.soa])
    }

    @Test func otherTypesAtAServiceNameAreNoDataNeverNXDomain() {
        let reply = Harness(mode: .address).ask("api.service.example.net", .mx)
        #expect(reply.rcode == 0 && reply.aa && reply.answer.isEmpty)
        #expect(reply.authority.map(\.type) == [.soa])
        #expect(reply.authority.first?.owner == wire("service.example.net"))
    }

    @Test func cnameModeSwapsTheZoneForTheFirstSelectedPeerKeepingCase() {
        let harness = Harness(mode: .cname)
        let reply = harness.ask("Www.Api.Service.Example.NET", .a)
        #expect(reply.rcode == 0 && reply.aa && reply.answer.count == 1)
        #expect(reply.answer.first?.owner == wire("Www.Api.Service.Example.NET"))
        // The zone part of the target is compressed onto the question, so it keeps its case too.
        #expect(reply.answer.first?.target == wire("Www.Api.p1.Service.Example.NET"))
        #expect(harness.ask("www.api.service.example.net", .aaaa).answer.first?.target
                == wire("www.api.p2.service.example.net"))
    }

    @Test func cnameTargetLongerThan255IsYXDomain() {
        // 3 × 64 + 41 = 233 bytes above the zone: the query is 254 bytes, the target 257.
        let label = String(repeating: "a", count: 63)
        let qname = "\(label).\(label).\(label).\(String(repeating: "b", count: 40)).service.example.net"
        let reply = Harness(mode: .cname).ask(qname, .a)
        #expect(reply.rcode == Rcode.yxDomain.rawValue && reply.answer.isEmpty)
    }
}
