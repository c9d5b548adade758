import Testing
@testable import ZoneRegistry

private let z = zoneText + "."

/// Two peers behind one address (one load balancer in front of two clusters): the zone holds
/// that address once while either is selected, and an IXFR deletes it only when both have left,
/// so a secondary following IXFRs answers what the registry answers at every serial.
@Suite struct SharedAddressTransferTests {
    static let peers = [
        peer("p1.service.example.net", .primary, v4: "192.0.2.1", v6: "2001:db8::1"),
        peer("p2.service.example.net", .primary, v4: "192.0.2.1", v6: "2001:db8::2"),
        peer("s1.service.example.net", .secondary, v4: "192.0.2.3"),
    ]
    static let shared = RecordKey(owner: "*." + z, type: 1, data: "192.0.2.1")

    @Test func aSharedAddressIsOneRecordOfTheZone() {
        let h = TransferHarness(mode: .address, peers: Self.peers)
        let keys = h.axfr().map { RecordKey($0) }
        #expect(keys.filter { $0 == Self.shared }.count == 1)
        // RFC 2181 §5: no record twice, whatever the owner.
        #expect(Set(keys.dropFirst()).count == keys.count - 1)
        // The registry's own answer holds it once too, the transfer's records being its answers.
        #expect(h.harness.ask("app." + z, .a, transport: .tcp).answer.map { RecordKey($0).data } == ["192.0.2.1"])
        #expect(h.harness.ask("app." + z, .aaaa, transport: .tcp).answer.count == 2)
    }

    @Test func anIXFRDeletesASharedAddressOnlyWhenEveryPeerWithItHasLeft() {
        let h = TransferHarness(mode: .address, peers: Self.peers)
        var zone = h.axfr()
        var serial = h.registry.serial

        h.registry.setHealth(.down, ofPeerAt: 0)
        var ixfr = h.ixfr(from: serial)
        #expect(!Self.deleted(in: ixfr).contains(Self.shared), "p2 still answers with 192.0.2.1")
        #expect(Self.deleted(in: ixfr).contains { $0.description == "*.\(z) 28 2001:db8::1" })
        var after = Set(h.axfr().map { RecordKey($0) })
        #expect(after.contains(Self.shared))
        #expect(Set(apply(ixfr, to: zone).map { RecordKey($0) }) == after)

        zone = h.axfr()
        serial = h.registry.serial
        h.registry.setHealth(.down, ofPeerAt: 1)
        ixfr = h.ixfr(from: serial)
        #expect(Self.deleted(in: ixfr).contains(Self.shared))
        after = Set(h.axfr().map { RecordKey($0) })
        #expect(!after.contains(Self.shared))
        #expect(after.contains(RecordKey(owner: "*." + z, type: 1, data: "192.0.2.3")))
        #expect(Set(apply(ixfr, to: zone).map { RecordKey($0) }) == after)
    }

    @Test func aPeerJoiningWithTheAddressOfOneLeavingChangesNothingForIt() {
        let h = TransferHarness(mode: .address, peers: [
            peer("p1.service.example.net", .primary, v4: "192.0.2.1"),
            peer("s1.service.example.net", .secondary, v4: "192.0.2.1"),
        ])
        let zone = h.axfr()
        let serial = h.registry.serial
        h.registry.setHealth(.down, ofPeerAt: 0)
        let ixfr = h.ixfr(from: serial)
        let changed = ixfr.dropFirst().dropLast().filter { $0.type != .soa }.map { RecordKey($0) }
        #expect(!changed.contains(Self.shared), "s1 answers with the same address p1 did")
        #expect(Set(apply(ixfr, to: zone).map { RecordKey($0) }) == Set(h.axfr().map { RecordKey($0) }))
    }

    /// The records an IXFR response deletes (RFC 1995 §4: between the old SOA and the new one).
    static func deleted(in ixfr: [DecodedRecord]) -> [RecordKey] {
        var deleting = false, keys: [RecordKey] = []
        for record in ixfr.dropFirst().dropLast() {
            if record.type == .soa {
                deleting.toggle()
            } else if deleting {
                keys.append(RecordKey(record))
            }
        }
        return keys
    }
}
