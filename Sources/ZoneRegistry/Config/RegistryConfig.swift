/// How names below the zone that are neither peers nor `ns` names are answered (SPEC §4).
enum AnswerMode: String, Sendable, Equatable, CaseIterable {
    case delegate, address, cname
}

enum PeerRole: String, Sendable, Equatable, CaseIterable {
    case primary, secondary
}

enum ProbeProtocol: String, Sendable, Equatable, CaseIterable {
    case http, https, tcp
}

/// A registry master named by `ns NAME ADDR...`: apex NS, SOA MNAME and glue.
struct NameServerConfig: Sendable, Equatable {
    var name: DomainName
    var ipv4: [IPv4Address] = []
    var ipv6: [IPv6Address] = []
}

/// A `peer HOST { ... }` block: one cluster and how to probe it.
struct PeerConfig: Sendable, Equatable {
    var host: DomainName
    var role: PeerRole = .primary
    /// Label pairs in the order written; keys are unique.
    var labels: [Label] = []
    var ipv4: IPv4Address?
    var ipv6: IPv6Address?
    var probeProtocol: ProbeProtocol = .http
    var path = "/health"
    var port: UInt16 = 8080
    /// `tls_insecure`: skip certificate verification for `protocol https`.
    var tlsInsecure = false
    /// `tls_ca FILE`: an extra CA (PEM) trusted for this peer's certificate.
    var tlsCAFile: String?
    /// After parsing: the peer's own probe options over the registry's defaults.
    var probe = ProbeOptions()
    var location: SourceLocation

    struct Label: Sendable, Equatable, Hashable {
        var key: String
        var value: String
    }
}

/// One `zoneregistry [ZONES...] { ... }` directive.
struct RegistryConfig: Sendable, Equatable {
    var zones: [DomainName]
    var intervalMilliseconds = 60_000
    var timeoutMilliseconds = 5_000
    var ttl: UInt32 = 300
    /// nil: fallthrough off; empty: every zone of the registry; else only these zones.
    var fallthroughZones: [DomainName]?
    var mode: AnswerMode = .delegate
    var nameServers: [NameServerConfig] = []
    var rise = 1
    var fall = 1
    /// `select`: only peers carrying every one of these labels are answered.
    var select: [PeerConfig.Label] = []
    var failOpen = true
    /// Probe options given in the `zoneregistry` block: defaults for every peer.
    var probeDefaults = ProbeOptions()
    var peers: [PeerConfig] = []
    /// `names`: the service names (single labels, lowercase) a zone transfer lists
    /// (SPEC §10); the registry itself answers every name.
    var serviceNames: [String] = []
    var soaTimers = SOATimers.standard
    /// `quorum KEY` (SPEC §9): nil when this master decides alone.
    var quorum: QuorumConfig?
    var selfName: SelfName?
    var debug = false
    var metrics = false
    var location: SourceLocation
}
