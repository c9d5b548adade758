import Logging

/// Bytes in → `QueryResponder.respond` → response or drop, for one fixed configuration that
/// reaches every answer path (delegate/address/cname registries, `ns` glue, fallthrough to
/// `whoami`, `fail_open off`, REFUSED outside the zones, TSIG-signed queries, AXFR/IXFR with
/// `transfer`, IXFR's authority SOA included), over UDP and TCP.
///
/// The query ID's low bits set peer health before the query, so the fuzzer also explores
/// selections (secondaries only, none healthy → SERVFAIL or fail-open). Checked for every
/// input, on both transports: the SPEC §4 protocol rules a malformed query must still obey,
/// and that answers from templates are byte for byte those of the general path (each input
/// is asked twice, so the second answer can come from the template the first one stored).
final class DNSMessageFuzzer: FuzzChecker {
    static let corefile = """
        d.fuzz.test {
            bind 127.0.0.1
            tsig {
                secret \(tsigKeyName) \(tsigSecret)
                require TXT
            }
            transfer {
                to *
            }
            zoneregistry {
                ttl 60
                names app www
                ns ns1.d.fuzz.test 192.0.2.53 2001:db8::53
                ns ns2.elsewhere.test
        \(delegatePeers)
                fallthrough
            }
            whoami
        }
        a.fuzz.test {
            bind 127.0.0.1
            zoneregistry {
                mode address
                fail_open off
                select env=prod
                peer prod1.a.fuzz.test {
                    labels env=prod
                    ipv4 192.0.2.1
                    ipv6 2001:db8::1
                }
                peer prod2.a.fuzz.test {
                    labels env=prod
                    ipv6 2001:db8::2
                }
                peer dev1.a.fuzz.test {
                    role secondary
                    labels env=prod
                    ipv4 192.0.2.3
                }
                peer other.a.fuzz.test {
                    labels env=dev
                    ipv4 192.0.2.4
                }
            }
        }
        c.fuzz.test {
            bind 127.0.0.1
            zoneregistry {
                mode cname
                fallthrough sub.c.fuzz.test
                peer \(String(repeating: "x", count: 63)).\(String(repeating: "y", count: 63)).c.fuzz.test {
                    ipv4 192.0.2.5
                }
                peer p2.c.fuzz.test {
                    ipv4 192.0.2.6
                }
            }
        }
        . {
            bind 127.0.0.1
            whoami
        }
        """

    /// Seeds sign with this key at `tsigTime` (Tests/Fuzz/make-seeds.py), so that verified,
    /// BADSIG, BADTIME and truncated-MAC queries all reach the responder.
    static let tsigKeyName = "k.fuzz.test."
    static let tsigSecret = "ZnV6ei1rZXk="
    static let tsigTime: UInt64 = 1_700_000_000

    /// 24 primaries and secondaries with long hosts: enough that a delegation overflows 512
    /// bytes and must drop glue, then set TC.
    private static var delegatePeers: String {
        (1...24).map { index in
            let host = "peer-\(index)-\(String(repeating: "h", count: 20)).d.fuzz.test"
            let role = index % 3 == 0 ? "secondary" : "primary"
            return """
                        peer \(host) {
                            role \(role)
                            ipv4 192.0.2.\(100 + index)
                            ipv6 2001:db8::\(100 + index)
                        }
                """
        }.joined(separator: "\n")
    }

    private let responder: QueryResponder
    /// The same configuration on twin registries, answering without templates.
    private let general: QueryResponder
    private let registries: [Registry]
    private let udpResponse: UnsafeMutableRawBufferPointer
    private let tcpResponse: UnsafeMutableRawBufferPointer
    private let client = ClientAddress.v4(IPv4Address("192.0.2.200")!, port: 53_000)

    init() {
        let configuration: Configuration
        do {
            configuration = try CorefileParser.parse(Self.corefile, file: "fuzz.Corefile")
        } catch {
            fatalError("the DNS fuzzer's own Corefile does not parse:\n\(error)")
        }
        let blocks = Daemon.makeBlocks(configuration, previous: [])
        let listeners = Configuration.listenerZones(blocks: blocks)
        guard listeners.count == 1, let zones = listeners.values.first else {
            fatalError("the DNS fuzzer's Corefile must make exactly one listener")
        }
        responder = QueryResponder(zones: zones)
        let twins = blocks.map { block in
            ServerBlock(config: block.config,
                        registry: block.registry.map { Registry(config: $0.config, serial: $0.serial, previous: nil) })
        }
        guard let twinZones = Configuration.listenerZones(blocks: twins).values.first else {
            fatalError("the DNS fuzzer's twin blocks make no listener")
        }
        general = QueryResponder(zones: twinZones, usesTemplates: false)
        let quiet = Logger(label: "fuzz", factory: { _ in SwiftLogNoOpLogHandler() })
        TransferService.standaloneResponders(for: blocks, metrics: TransferMetrics(), logger: quiet)
        TransferService.standaloneResponders(for: twins, metrics: TransferMetrics(), logger: quiet)
        responder.clock = { Self.tsigTime }
        general.clock = { Self.tsigTime }
        registries = (blocks + twins).compactMap(\.registry)
        // Exactly the sizes a listener allows, so that ASan sees any write past them.
        udpResponse = .allocate(byteCount: responder.maxUDPResponseSize, alignment: 16)
        tcpResponse = .allocate(byteCount: WireLimit.maxMessage, alignment: 16)
        generalResponse = .allocate(byteCount: WireLimit.maxMessage, alignment: 16)
    }

    private let generalResponse: UnsafeMutableRawBufferPointer

    deinit {
        udpResponse.deallocate()
        tcpResponse.deallocate()
        generalResponse.deallocate()
    }

    func check(_ query: UnsafeRawBufferPointer) throws(FuzzViolation) {
        if query.count >= 2 { setHealth(from: UInt16(query[0]) << 8 | UInt16(query[1])) }
        try check(query, transport: .udp, into: udpResponse)
        try check(query, transport: .tcp, into: tcpResponse)
    }

    /// Peer `i` of each registry is down when bit `i % 16` of the query ID is set.
    private func setHealth(from id: UInt16) {
        for registry in registries {
            for index in registry.config.peers.indices {
                registry.setHealth(id & (1 << (index % 16)) != 0 ? .down : .up, ofPeerAt: index)
            }
        }
    }

    private func check(_ query: UnsafeRawBufferPointer, transport: Transport,
                       into buffer: UnsafeMutableRawBufferPointer) throws(FuzzViolation) {
        for _ in 0..<2 { try checkOnce(query, transport: transport, into: buffer) }
    }

    private func checkOnce(_ query: UnsafeRawBufferPointer, transport: Transport,
                           into buffer: UnsafeMutableRawBufferPointer) throws(FuzzViolation) {
        let outcome = responder.respond(to: query, into: buffer, transport: transport, client: client)
        let generalLimit = transport == .udp ? responder.maxUDPResponseSize : WireLimit.maxMessage
        let expected = general.respond(to: query, into: UnsafeMutableRawBufferPointer(rebasing: generalResponse[0..<generalLimit]),
                                       transport: transport, client: client)
        try drainTransfer(general.takeStream())
        try drainTransfer(responder.takeStream())
        guard outcome.length == expected.length,
              buffer[0..<outcome.length].elementsEqual(generalResponse[0..<expected.length]) else {
            throw FuzzViolation("\(transport): the template answer differs from the general path's")
        }
        // The query log line reads the question back out of the query: it must not trap either.
        _ = QueryLogLine.format(qname: outcome.qname(in: query), querySize: query.count, outcome: outcome,
                                transport: transport, client: client, seconds: 0)
        let isResponse = query.count >= 3 && query[2] & 0x80 != 0
        let mustDrop = query.count < WireLimit.headerSize || isResponse
        guard outcome.length > 0 else {
            if mustDrop { return }
            throw FuzzViolation("\(transport): a query with a header and QR=0 was dropped")
        }
        if mustDrop { throw FuzzViolation("\(transport): answered a packet that must be dropped") }
        guard outcome.length <= limit(transport, outcome) else {
            throw FuzzViolation("\(transport): response of \(outcome.length) bytes exceeds \(limit(transport, outcome))")
        }
        let response = UnsafeRawBufferPointer(rebasing: buffer[0..<outcome.length])
        let shape = try DNSResponseWalker.walk(response)
        try checkHeader(shape, query: query, transport: transport)
        guard shape.questionEnd <= query.count,
              response[12..<shape.questionEnd].elementsEqual(query[12..<shape.questionEnd]) else {
            throw FuzzViolation("\(transport): the question is not echoed byte for byte")
        }
    }

    /// The rest of a zone transfer: every message must be a well-formed response.
    private func drainTransfer(_ stream: ResponseStream?) throws(FuzzViolation) {
        guard let stream else { return }
        defer { stream.finish(completed: true) }
        while true {
            let length = stream.nextMessage(into: UnsafeMutableRawBufferPointer(rebasing: generalResponse[...]))
            if length == 0 { return }
            _ = try DNSResponseWalker.walk(UnsafeRawBufferPointer(rebasing: generalResponse[0..<length]))
        }
    }

    /// The most a response may hold: 512 without EDNS, the client's size (512...1232) with
    /// it (RFC 6891 §6.2.5), 65,535 over TCP.
    private func limit(_ transport: Transport, _ outcome: QueryOutcome) -> Int {
        guard transport == .udp else { return WireLimit.maxMessage }
        guard let size = outcome.ednsPayloadSize else { return WireLimit.classicUDPPayload }
        return min(max(Int(size), WireLimit.classicUDPPayload), responder.maxUDPResponseSize)
    }

    private func checkHeader(_ shape: DNSResponseWalker.Shape, query: UnsafeRawBufferPointer,
                             transport: Transport) throws(FuzzViolation) {
        var reader = WireReader(query)
        let asked = MessageHeader(reading: &reader)
        let header = shape.header
        guard header.isResponse, header.id == asked.id, header.opcode == asked.opcode else {
            throw FuzzViolation("\(transport): header does not answer the query (QR, ID, opcode)")
        }
        guard header.questionCount <= 1 else { throw FuzzViolation("\(transport): \(header.questionCount) questions") }
        if header.has(HeaderFlag.tc) && transport == .tcp { throw FuzzViolation("tcp: TC set") }
        if asked.opcode != .query {
            guard header.rcode == Rcode.notImp.rawValue else { throw FuzzViolation("\(transport): opcode \(asked.opcode.rawValue) not NOTIMP") }
        } else if asked.questionCount != 1 {
            guard header.rcode == Rcode.formErr.rawValue else { throw FuzzViolation("\(transport): QDCOUNT \(asked.questionCount) not FORMERR") }
        }
    }
}
