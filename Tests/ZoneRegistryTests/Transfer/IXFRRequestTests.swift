import Testing
@testable import ZoneRegistry

private func serial(_ bytes: [UInt8]) -> UInt32? {
    bytes.withUnsafeBytes { raw in
        var reader = WireReader(raw)
        let header = MessageHeader(reading: &reader)
        return IXFRRequest.clientSerial(raw, header: header, questionEnd: 12 + wire(zoneText).count + 4)
    }
}

@Suite struct IXFRRequestTests {
    @Test func readsTheSerialOfTheAuthoritySOA() {
        #expect(serial(ixfrQuery(serial: 0xdead_beef)) == 0xdead_beef)
        #expect(serial(ixfrQuery(serial: 7, payload: 1232)) == 7)
    }

    @Test func ownerWrittenOutInAnotherCaseCounts() {
        var query = ixfrQuery(serial: 42)
        let ownerAt = 12 + wire(zoneText).count + 4
        query.replaceSubrange(ownerAt..<(ownerAt + 2), with: wire("SERVICE.example.NET"))
        #expect(serial(query) == 42)
    }

    @Test(arguments: ["no authority record", "owner is another name", "type is not SOA", "RDLENGTH one byte short",
                      "cut inside the serial", "cut after the owner"])
    func malformedAuthorityIsRejected(_ damage: String) {
        var q = ixfrQuery(serial: 42)
        let owner = 12 + wire(zoneText).count + 4
        switch damage {
        case "no authority record": q[9] = 0
        case "owner is another name": q.replaceSubrange(owner..<(owner + 2), with: wire("other.example.net"))
        case "type is not SOA": q[owner + 3] = 1
        case "RDLENGTH one byte short": q[owner + 11] -= 1
        case "cut inside the serial": q.removeLast(18)
        default: q.removeLast(q.count - (owner + 2))
        }
        #expect(serial(q) == nil, "\(damage)")
    }
}
