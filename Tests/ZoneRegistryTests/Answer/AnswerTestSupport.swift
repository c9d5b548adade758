@testable import ZoneRegistry

let zoneText = "service.example.net"
let localClient = ClientAddress.v4(IPv4Address("127.0.0.1")!, port: 53_535)

/// p1, p2 primaries (p2 has no IPv6), s1 secondary, and one `ns` master.
let standardPeers = [
    peer("p1.service.example.net", .primary, labels: ["env": "prod"], v4: "192.0.2.1", v6: "2001:db8::1"),
    peer("p2.service.example.net", .primary, labels: ["env": "prod"], v4: "192.0.2.2"),
    peer("s1.service.example.net", .secondary, labels: ["env": "prod"], v4: "192.0.2.3", v6: "2001:db8::3"),
]
let standardNameServer = NameServerConfig(name: name("ns.service.example.net"), ipv4: [IPv4Address("198.51.100.53")!],
                                          ipv6: [IPv6Address("2001:db8::53")!])

func blockConfig(_ zones: [String], whoami: Bool = false, registry: RegistryConfig? = nil) -> ServerBlockConfig {
    ServerBlockConfig(keys: zones.map { ServerKey(zone: name($0), port: 53) }, registry: registry, whoami: whoami,
                      location: testLocation)
}

/// A responder for one listener and a way to ask it things.
struct Harness {
    let responder: QueryResponder
    let registry: Registry?

    init(zones: [(zone: String, block: ServerBlock)], usesTemplates: Bool = true) {
        responder = QueryResponder(zones: zones.map { (zone: name($0.zone), block: $0.block) },
                                   usesTemplates: usesTemplates)
        registry = zones.first?.block.registry
    }

    /// One block serving `zoneText` with a registry in `mode`.
    init(mode: AnswerMode = .delegate, peers: [PeerConfig] = standardPeers,
         nameServers: [NameServerConfig] = [standardNameServer], failOpen: Bool = true,
         fallthroughZones: [String]? = nil, whoami: Bool = false, ttl: UInt32 = 300) {
        let config = registryConfig(mode: mode, peers: peers, nameServers: nameServers, failOpen: failOpen,
                                    fallthroughZones: fallthroughZones, ttl: ttl)
        let registry = Registry(config: config, serial: 2024, previous: nil)
        let block = ServerBlock(config: blockConfig([zoneText], whoami: whoami, registry: config), registry: registry)
        self.init(zones: [(zone: zoneText, block: block)])
    }

    func raw(_ query: [UInt8], transport: Transport = .udp, client: ClientAddress = localClient) -> (QueryOutcome, [UInt8]) {
        var response = [UInt8](repeating: 0, count: 65_535)
        let outcome = query.withUnsafeBytes { q in
            response.withUnsafeMutableBytes { r in
                responder.respond(to: q, into: r, transport: transport, client: client)
            }
        }
        return (outcome, Array(response[0..<outcome.length]))
    }

    func ask(_ query: [UInt8], transport: Transport = .udp, client: ClientAddress = localClient) -> DecodedMessage {
        let (_, bytes) = raw(query, transport: transport, client: client)
        return DecodedMessage(bytes)!
    }

    func ask(_ qname: String, _ qtype: RecordType = .a, qclass: RecordClass = .in,
             transport: Transport = .udp, edns: EDNS.Request? = nil) -> DecodedMessage {
        ask(makeQuery(qname, qtype, qclass: qclass, edns: edns), transport: transport)
    }
}

extension DecodedRecord {
    var address: String? {
        switch rdata {
        case .a(let v4): return v4.description
        case .aaaa(let v6): return v6.description
        default: return nil
        }
    }
    var target: [UInt8]? {
        if case .name(let target) = rdata { return target }
        return nil
    }
}
