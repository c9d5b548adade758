import Testing
@testable import ZoneRegistry

private let z = zoneText + "."

@Suite struct ZoneTransferTests {
    /// SPEC §10: the transferred zone is what the registry answers at that serial. For every
    /// name a secondary holds (and a few it does not) and every type, the registry's answer
    /// and the answer from the transferred records agree, in every mode, with a peer down.
    @Test(arguments: AnswerMode.allCases)
    func transferredZoneAnswersAsTheRegistry(mode: AnswerMode) throws {
        let h = TransferHarness(mode: mode)
        h.registry.setHealth(.down, ofPeerAt: 1)
        h.registry.setHealth(.up, ofPeerAt: 0)
        let zone = h.axfr()
        let soa = try #require(zone.first)
        #expect(RecordKey(soa).data == "soa \(h.registry.serial)" && RecordKey(zone.last!) == RecordKey(soa))
        let secondary = SecondaryView(records: Array(zone.dropLast()), apex: z)
        var names = Set(zone.map { presentation($0.owner).lowercased() }).subtracting(["*." + z])
        names.formUnion(["x.p1." + z, "ns." + z])
        if mode == .delegate { names.formUnion(["deep.app." + z]) }
        if mode == .address { names.formUnion(["other." + z, "deep.other." + z]) }
        var compared = 0
        for qname in names.sorted() {
            for qtype in [RecordType.a, .aaaa, .ns, .cname, .soa, .txt] where qtype != .soa || qname == z {
                let registry = h.harness.ask(qname, qtype, transport: .tcp)
                #expect(registry.rcode == 0, "\(qname) \(qtype.rawValue)")
                #expect(secondary.answer(qname, qtype) == registry.view, "\(qname) type \(qtype.rawValue)")
                compared += 1
            }
        }
        #expect(compared > 30)
    }

    @Test func delegateModeListsEachServiceNameWithTheSelection() {
        let h = TransferHarness(mode: .delegate)
        h.registry.setHealth(.down, ofPeerAt: 0)
        let keys = Set(h.axfr().map { RecordKey($0) })
        #expect(keys.contains(where: { $0.description == "app.\(z) 2 p2.\(z)" }))
        #expect(!keys.contains(where: { $0.description == "app.\(z) 2 p1.\(z)" }))
        #expect(keys.contains(where: { $0.description == "www.\(z) 2 p2.\(z)" }))
        // Every peer keeps its own delegation and glue, selected or not.
        #expect(keys.contains(where: { $0.description == "p1.\(z) 2 p1.\(z)" }))
        #expect(keys.contains(where: { $0.description == "p1.\(z) 1 192.0.2.1" }))
    }

    @Test func namesNotListedAreNotInTheZone() {
        let h = TransferHarness(mode: .cname)
        let secondary = SecondaryView(records: h.axfr(), apex: z)
        #expect(secondary.answer("api." + z, .a) == .data([]))
        #expect(!h.harness.ask("api." + z, .a).answer.isEmpty)
    }

    @Test func largeZoneStreamsInMessagesThatNeverSplitARecord() {
        let peers = (0..<2_000).map { peer("p\($0).service.example.net", v4: "10.0.\($0 / 256).\($0 % 256)", v6: "2001:db8::\($0)") }
        let h = TransferHarness(mode: .delegate, peers: peers)
        let messages = h.messages(makeQuery(zoneText, .axfr))
        #expect(messages.count > 5)
        #expect(messages.allSatisfy { $0.header.id == 0x1234 && $0.aa && $0.rcode == 0 })
        #expect(messages.dropFirst().allSatisfy { $0.header.questionCount == 0 })
        let records = messages.flatMap(\.answer)
        // SOA, NS, ns A and AAAA, 2,000 × (NS, A, AAAA), 2 names × 2,000 NS, SOA.
        #expect(records.count == 1 + 1 + 2 + 6_000 + 4_000 + 1)
        #expect(records.first?.type == .soa && records.last?.type == .soa)
        #expect(records.dropFirst().dropLast().allSatisfy { $0.type != .soa })
    }

    /// The first message is capped like the rest: a 64 KiB one could not compress names past
    /// 16 KiB, and it went out in the same loop turn as the first batch of the stream.
    @Test func everyMessageOfALargeZoneFirstIncludedIsAtMost16KiB() {
        let peers = (0..<2_000).map { peer("p\($0).service.example.net", v4: "10.0.\($0 / 256).\($0 % 256)") }
        let messages = TransferHarness(mode: .address, peers: peers).rawMessages(makeQuery(zoneText, .axfr))
        #expect(messages.count > 3)
        #expect(messages.allSatisfy { $0.count <= TransferStream.messageSize })
        #expect(messages[0].count > TransferStream.messageSize - 100)
    }

    @Test(arguments: AnswerMode.allCases)
    func incrementalTransferTurnsTheOldZoneIntoTheNew(mode: AnswerMode) {
        let h = TransferHarness(mode: mode)
        let before = h.axfr()
        let serial = h.registry.serial
        h.registry.setHealth(.down, ofPeerAt: 0)
        h.transfer.refresh()
        h.registry.setHealth(.down, ofPeerAt: 1)
        let ixfr = h.ixfr(from: serial)
        #expect(h.metrics.transferCount(zone: z, type: "ixfr", result: "incremental") == 1)
        #expect(Set(apply(ixfr, to: before).map { RecordKey($0) }) == Set(h.axfr().map { RecordKey($0) }))
    }

    @Test func incrementalTransferSpansAReloadThatAddsAPeer() {
        let h = TransferHarness(mode: .address)
        let before = h.axfr()
        let serial = h.registry.serial
        h.reload(peers: standardPeers + [peer("p3.service.example.net", v4: "192.0.2.4")])
        let ixfr = h.ixfr(from: serial)
        #expect(h.metrics.transferCount(zone: z, type: "ixfr", result: "incremental") == 1)
        let after = Set(h.axfr().map { RecordKey($0) })
        #expect(after.contains(RecordKey(owner: "*." + z, type: 1, data: "192.0.2.4")))
        #expect(Set(apply(ixfr, to: before).map { RecordKey($0) }) == after)
    }

    @Test func ixfrFromAnUnknownSerialIsTheWholeZoneAndACurrentClientGetsOneSOA() {
        let h = TransferHarness(mode: .delegate)
        let full = h.ixfr(from: 7)
        #expect(full.count == h.axfr().count && full.first?.type == .soa && full[1].type != .soa)
        #expect(h.metrics.transferCount(zone: z, type: "ixfr", result: "full") == 1)
        let current = h.ixfr(from: h.registry.serial)
        #expect(current.map { RecordKey($0).data } == ["soa \(h.registry.serial)"])
        // RFC 1982: a serial ahead of ours is current too, not a reason to send the zone.
        #expect(h.ixfr(from: h.registry.serial &+ 5).count == 1)
    }

    @Test func ixfrOverUDPThatDoesNotFitIsTheCurrentSOA() {
        let peers = (0..<100).map { peer("p\($0).service.example.net", v4: "10.0.0.\($0)") }
        let h = TransferHarness(mode: .delegate, peers: peers)
        let serial = h.registry.serial
        for index in 0..<50 { h.registry.setHealth(.down, ofPeerAt: index) }
        let reply = h.messages(ixfrQuery(serial: serial, payload: 1232), transport: .udp)
        #expect(reply.count == 1 && !reply[0].tc)
        #expect(reply[0].answer.map { RecordKey($0).data } == ["soa \(h.registry.serial)"])
        // A small change fits and is sent over UDP as it is.
        let small = TransferHarness(mode: .delegate)
        let from = small.registry.serial
        small.registry.setHealth(.down, ofPeerAt: 0)
        #expect(small.ixfr(from: from, transport: .udp, payload: 1232).count == 6)
    }

    @Test func accessAndMalformedRequests() {
        let h = TransferHarness(mode: .delegate)
        let stranger = ClientAddress.v4(IPv4Address("127.0.0.93")!, port: 5353)
        #expect(h.messages(makeQuery(zoneText, .axfr), client: stranger)[0].rcode == Rcode.refused.rawValue)
        #expect(h.messages(makeQuery("app." + zoneText, .axfr))[0].rcode == Rcode.notAuth.rawValue)
        #expect(h.messages(makeQuery(zoneText, .ixfr))[0].rcode == Rcode.formErr.rawValue)
        #expect(h.messages(makeQuery(zoneText, .axfr), transport: .udp)[0].rcode == Rcode.notImp.rawValue)
        #expect(h.metrics.transferCount(zone: z, type: "axfr", result: "refused") == 1)
        let open = TransferHarness(mode: .delegate, targets: [.any])
        #expect(open.messages(makeQuery(zoneText, .axfr), client: stranger)[0].rcode == 0)
    }

    @Test func journalKeepsTheLastChangesOnly() {
        let h = TransferHarness(mode: .address)
        let first = h.registry.serial
        for round in 0..<(TransferJournal.maxEntries + 5) {
            h.registry.setHealth(round % 2 == 0 ? .down : .up, ofPeerAt: 0)
            h.transfer.refresh()
        }
        #expect(h.transfer.journal.entries.count == TransferJournal.maxEntries)
        #expect(h.ixfr(from: first).count == h.axfr().count)
        #expect(h.metrics.transferCount(zone: z, type: "ixfr", result: "full") == 1)
    }
}

extension RecordKey {
    init(owner: String, type: UInt16, data: String) {
        self.init(DecodedRecord(owner: wire(owner), type: RecordType(rawValue: type), rclass: 1, ttl: 0,
                                rdata: .a(IPv4Address(data) ?? IPv4Address(value: 0))))
    }
}

/// Applies an IXFR response (RFC 1995 §4) to a zone as a secondary does.
func apply(_ ixfr: [DecodedRecord], to zone: [DecodedRecord]) -> [DecodedRecord] {
    var records = zone.filter { $0.type != .soa }.map { RecordKey($0) }
    var deleting = false
    for record in ixfr.dropFirst().dropLast() {
        if record.type == .soa {
            deleting.toggle()
            continue
        }
        let key = RecordKey(record)
        if deleting { records.removeAll { $0 == key } } else { records.append(key) }
    }
    let soa = ixfr.last!
    return [soa] + records.map { key in zone.first { RecordKey($0) == key } ?? ixfr.first { RecordKey($0) == key }! } + [soa]
}
