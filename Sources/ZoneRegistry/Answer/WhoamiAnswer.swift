/// CoreDNS's `whoami`: an empty answer section; additional holds the client's address as A
/// or AAAA at the query name, and `_udp.`/`_tcp.` + query name `SRV 0 0 PORT .` with the
/// client's port. As in CoreDNS: AA set, TTL 0, records in the query's class.
///
/// When the query name is already within 5 bytes of the 255-byte limit, the SRV owner would
/// exceed it (RFC 1035 §2.3.4) and resolvers would reject the whole message, so the SRV is
/// left out and the address alone is sent (found by the `dns` fuzzer).
enum WhoamiAnswer {
    private static let udpLabel: [UInt8] = [4] + Array("_udp".utf8)
    private static let tcpLabel: [UInt8] = [4] + Array("_tcp".utf8)

    static func write(client: ClientAddress, transport: Transport, qclass: RecordClass, qnameLength: Int,
                      into writer: inout MessageWriter) -> HandlerAnswer {
        let owner = NameRef.pointer(WireLimit.headerSize)
        let port: UInt16
        let fits: Bool
        switch client {
        case .v4(let address, let clientPort):
            port = clientPort
            fits = writer.append(.additional, owner: owner, ttl: 0, .a(address), class: qclass)
        case .v6(let address, let clientPort):
            port = clientPort
            fits = writer.append(.additional, owner: owner, ttl: 0, .aaaa(address), class: qclass)
        }
        if fits, qnameLength + udpLabel.count <= WireLimit.maxNameLength {
            let label = transport == .udp ? udpLabel : tcpLabel
            writer.append(.additional, owner: .labelThenPointer(label: label, pointer: WireLimit.headerSize),
                          ttl: 0, .srv(priority: 0, weight: 0, port: port), class: qclass)
        }
        return HandlerAnswer(rcode: .noError, authoritative: true)
    }
}
