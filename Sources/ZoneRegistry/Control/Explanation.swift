import Foundation

/// `GET /explain?name=N&type=T`: the answer this master gives for N now, which peers it
/// names, and why each other peer is left out (SPEC §4's selection, read back in words).
/// Computed from the registry's state, so asking never turns the answers' rotation.
struct Explanation: Encodable, Sendable {
    var name: String
    var type: String
    var zone: String?
    /// `service`, `apex`, `nameserver`, `peer` (a peer's own name: always its referral), or `outside`.
    var kind: String
    var mode: String?
    var rcode: String
    var answer: [String] = []
    var authority: [String] = []
    /// Peers the answer names, in configuration order, with why each is in.
    var answering: [Included] = []
    var leftOut: [LeftOut] = []
    var note: String?

    struct Included: Encodable, Sendable {
        var peer: String
        var why: String
    }

    struct LeftOut: Encodable, Sendable {
        var peer: String
        /// `down`, `drained`, `not selected` or `secondary`.
        var reason: String
        var detail: String
    }

    init(name: DomainName, type: String, registries: [Registry], monitors: [HealthMonitor], overrides: OverrideSet,
         quorums: [QuorumStanding] = []) {
        self.name = name.description
        self.type = type
        let candidates = registries.flatMap { registry in registry.config.zones.map { (registry, $0) } }
            .filter { name.isSubdomain(of: $0.1) }
        guard let (registry, zone) = candidates.max(by: { $0.1.wire.count < $1.1.wire.count }) else {
            kind = "outside"
            rcode = "REFUSED"
            note = "no zoneregistry zone contains this name"
            return
        }
        let config = registry.config
        self.zone = zone.description
        mode = config.mode.rawValue
        rcode = "NOERROR"
        let ttl = config.ttl
        if let peer = config.peers.first(where: { name.isSubdomain(of: $0.host) }) {
            kind = "peer"
            authority = ["\(peer.host) \(ttl) IN NS \(peer.host)"]
            note = "a peer's own name is always a referral to its subzone, whatever its health"
            return
        }
        if let server = config.nameServers.first(where: { $0.name == name }) {
            kind = "nameserver"
            answer = addressRecords(owner: name, ttl: ttl, v4: server.ipv4.map(\.description), v6: server.ipv6.map(\.description))
            return
        }
        kind = name == zone ? "apex" : "service"
        explainSelection(registry, monitor: monitors.first { $0.registry === registry }, overrides: overrides,
                         quorum: quorums.first { $0.registry === registry })
        guard !registry.selectedPeers.isEmpty else {
            rcode = "SERVFAIL"
            note = "no selected peer is healthy and fail_open is off"
            return
        }
        writeAnswer(registry, zone: zone, name: name)
    }

    private func addressRecords(owner: DomainName, ttl: UInt32, v4: [String], v6: [String]) -> [String] {
        switch type {
        case "A": v4.map { "\(owner) \(ttl) IN A \($0)" }
        case "AAAA": v6.map { "\(owner) \(ttl) IN AAAA \($0)" }
        default: []
        }
    }

    private mutating func writeAnswer(_ registry: Registry, zone: DomainName, name: DomainName) {
        let config = registry.config
        let peers = registry.selectedPeers.map { config.peers[$0] }
        let ttl = config.ttl
        if kind == "apex" && type != "A" && type != "AAAA" || kind == "apex" && config.mode != .address {
            note = "the apex answers SOA and NS from the configuration; selection shapes only A/AAAA in address mode"
            return
        }
        switch config.mode {
        case .address:
            answer = addressRecords(owner: name, ttl: ttl, v4: peers.compactMap { $0.ipv4?.description },
                                    v6: peers.compactMap { $0.ipv6?.description })
            note = answer.isEmpty ? "NODATA: no selected peer has a record of this type" : "the records rotate by one per query"
        case .delegate:
            let label = Explanation.serviceLabel(of: name, in: zone)
            authority = peers.map { "\(label) \(ttl) IN NS \($0.host)" }
            note = "a referral (AA=0) with glue; the NS records rotate by one per query"
        case .cname:
            if let first = peers.first {
                let prefix = name.description.dropLast(zone.description.count)
                answer = ["\(name) \(ttl) IN CNAME \(prefix)\(first.host)"]
                note = "the target is the first peer of the rotation, which turns by one per query"
            }
        }
    }

    /// `L.Z`: the service name's first label below the zone, where the referral's NS sit.
    static func serviceLabel(of name: DomainName, in zone: DomainName) -> String {
        var current = name
        while current.parent != zone && current != zone { current = current.parent }
        return current.description
    }
}
