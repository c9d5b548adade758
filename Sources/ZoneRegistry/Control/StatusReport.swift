import Foundation

/// What `GET /status` returns and the status page shows: every registry (its zones) and every
/// peer with its state, why, and the override on it. Built per request from loop state.
struct StatusReport: Encodable, Sendable {
    var version: String
    var time: Date
    var zones: [Zone]

    struct Zone: Encodable, Sendable {
        var zone: String
        /// Every zone of the directive; `zone` is the first.
        var names: [String]
        var serial: UInt32
        var mode: String
        var select: [String]
        var failOpen: Bool
        /// Hosts answered now, in configuration order (answers rotate through them).
        var answering: [String]
        /// The masters' exchange (SPEC §9); nil without `quorum`.
        var quorum: Quorum?
        var peers: [Peer]
    }

    struct Peer: Encodable, Sendable {
        var peer: String
        var role: String
        var labels: [String: String]
        var addresses: [String]
        /// What answers use: `up`, `down`, `unknown` (not probed yet; counts as up), `drained`
        /// or `forced-up`.
        var state: String
        /// What the override sets aside: with `quorum` the masters' vote, else `ownHealth`.
        var health: String
        /// This master's own probes (rise/fall applied), whatever the vote and the override.
        var ownHealth: String
        var answered: Bool
        /// Why `health` is down: the own probe's failing verdict, or the vote; nil while up.
        var cause: String?
        var lastProbe: String?
        var lastProbeMilliseconds: Int?
        var lastProbeAt: Date?
        /// When the health last changed.
        var since: Date?
        /// Consecutive rounds so far against the current health, and how many flip it.
        var streak: Int
        var rise: Int
        var fall: Int
        var override: Override?
        /// Each master's vote on the peer (SPEC §9); nil without `quorum`.
        var votes: Votes?
    }

    init(registries: [Registry], monitors: [HealthMonitor], overrides: OverrideSet, quorums: [QuorumStanding] = [],
         now: Date = Date()) {
        version = ZoneRegistryCommand.version
        time = now
        zones = registries.map { registry in
            let monitor = monitors.first { $0.registry === registry }
            let quorum = quorums.first { $0.registry === registry }
            return StatusReport.zone(registry, monitor: monitor, overrides: overrides, quorum: quorum)
        }
    }

    private static func zone(_ registry: Registry, monitor: HealthMonitor?, overrides: OverrideSet,
                             quorum: QuorumStanding?) -> Zone {
        let config = registry.config
        let selected = Set(registry.selectedPeers)
        let peers = config.peers.enumerated().map { index, peer in
            let record = monitor?.records[index] ?? ProbeRecord()
            let own = registry.health(ofPeerAt: index)
            let health = registry.votedHealth(ofPeerAt: index)
            let ballot = quorum?.ballot(ofPeerAt: index)
            let hysteresis = monitor?.state(ofPeerAt: index) ?? HealthState(rise: config.rise, fall: config.fall)
            return Peer(
                peer: peer.host.description, role: peer.role.rawValue,
                labels: Dictionary(peer.labels.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 }),
                addresses: [peer.ipv4?.description, peer.ipv6?.description].compactMap { $0 },
                state: state(health: health, override: registry.override(ofPeerAt: index)),
                health: health.name, ownHealth: own.name, answered: selected.contains(index),
                cause: health != .down ? nil : own == .down ? record.cause?.description : ballot.map { "down by vote: \($0)" },
                lastProbe: record.lastVerdict?.description, lastProbeMilliseconds: record.lastMilliseconds,
                lastProbeAt: record.lastProbeAt, since: record.since,
                streak: hysteresis.streak, rise: hysteresis.rise, fall: hysteresis.fall,
                override: overrides[peer.host.description], votes: ballot.map(Votes.init))
        }
        return Zone(zone: config.zones.first?.description ?? ".", names: config.zones.map(\.description),
                    serial: registry.serial, mode: config.mode.rawValue,
                    select: config.select.map { "\($0.key)=\($0.value)" }, failOpen: config.failOpen,
                    answering: registry.selectedPeers.map { config.peers[$0].host.description },
                    quorum: quorum.map(Quorum.init), peers: peers)
    }

    static func state(health: PeerHealth, override: OverrideState?) -> String {
        switch override {
        case .drain: "drained"
        case .up: "forced-up"
        case nil: health.name
        }
    }

    func json() -> [UInt8] { ControlJSON.encode(self) }
}

extension PeerHealth {
    var name: String {
        switch self {
        case .unknown: "unknown"
        case .up: "up"
        case .down: "down"
        }
    }
}

/// The API's JSON: sorted keys (stable for scripts and diffs), ISO 8601 times, a final newline.
enum ControlJSON {
    static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return Array((try? encoder.encode(value)) ?? Data("{}".utf8)) + [0x0a]
    }

    static func response(_ status: Int, _ value: some Encodable) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json", body: encode(value))
    }

    /// `{"error": "..."}` with the reason an operator reads.
    static func error(_ status: Int, _ reason: String) -> HTTPResponse {
        response(status, ["error": reason])
    }
}
