@testable import ZoneRegistry

let testLocation = SourceLocation(file: "Corefile", line: 1, column: 1)

func peer(_ host: String, _ role: PeerRole = .primary, labels: [String: String] = [:],
          v4: String? = nil, v6: String? = nil) -> PeerConfig {
    PeerConfig(host: name(host), role: role,
               labels: labels.sorted { $0.key < $1.key }.map { PeerConfig.Label(key: $0.key, value: $0.value) },
               ipv4: v4.flatMap { IPv4Address($0) }, ipv6: v6.flatMap { IPv6Address($0) }, location: testLocation)
}

func registryConfig(zones: [String] = ["service.example.net"], mode: AnswerMode = .delegate,
                    peers: [PeerConfig], nameServers: [NameServerConfig] = [], select: [String: String] = [:],
                    failOpen: Bool = true, fallthroughZones: [String]? = nil, ttl: UInt32 = 300) -> RegistryConfig {
    RegistryConfig(zones: zones.map(name), ttl: ttl, fallthroughZones: fallthroughZones?.map(name), mode: mode,
                   nameServers: nameServers,
                   select: select.sorted { $0.key < $1.key }.map { PeerConfig.Label(key: $0.key, value: $0.value) },
                   failOpen: failOpen, peers: peers, location: testLocation)
}

/// Peer indices of one query's rotated round in zone 0, or nil for SERVFAIL.
func round(_ registry: Registry, zone: Int = 0) -> [Int]? {
    guard let round = registry.nextRound(inZone: zone) else { return nil }
    return (0..<round.count).map { registry.peer(at: $0, of: round) }
}
