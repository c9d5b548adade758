/// How an address of a peer is probed beyond protocol, path and port (SPEC §12): the local
/// source, and for http/https what counts as healthy and what is sent. Written in a `peer`
/// block or, as defaults for every peer, in the `zoneregistry` block; nil means "not given
/// here". `PeerConfig.probe` holds the options in effect, the peer's own over the defaults.
struct ProbeOptions: Sendable, Equatable {
    var source: ProbeSource?
    /// `expect STATUS...`; nil: 200 only (SPEC §5).
    var expect: ExpectedStatus?
    /// `expect_body TEXT`: a substring of the first 64 KiB of the body.
    var expectBody: String?
    /// `header NAME VALUE`, in the order written; names unique case-insensitively.
    var headers: [ProbeHeader] = []
    /// `host NAME`: the Host header and the TLS name (SNI and certificate check).
    var host: DomainName?

    /// Every option not given here taken from `defaults`: a peer's own value wins whole,
    /// except headers, which win per name (the registry's others are still sent).
    func over(_ defaults: ProbeOptions) -> ProbeOptions {
        var merged = self
        if merged.source == nil { merged.source = defaults.source }
        if merged.expect == nil { merged.expect = defaults.expect }
        if merged.expectBody == nil { merged.expectBody = defaults.expectBody }
        if merged.host == nil { merged.host = defaults.host }
        let own = Set(headers.map { $0.name.lowercased() })
        merged.headers = defaults.headers.filter { !own.contains($0.name.lowercased()) } + headers
        return merged
    }
}

/// One `header NAME VALUE`: sent verbatim in every probe request.
struct ProbeHeader: Sendable, Equatable {
    var name: String
    var value: String
    var location: SourceLocation
}

/// `probe_source ADDR [ADDR]`: the local addresses probes leave from, at most one per family.
/// An address of a peer is probed from the source of its own family; `RegistryParser` refuses
/// a peer with an address whose family the source in effect lacks.
struct ProbeSource: Sendable, Equatable {
    var ipv4: IPv4Address?
    var ipv6: IPv6Address?
    var location: SourceLocation

    /// The source for a probe to `target`: the address of the same family.
    func address(toward target: ListenHost) -> ListenHost? {
        switch target {
        case .v4: ipv4.map { .v4($0) }
        case .v6: ipv6.map { .v6($0) }
        }
    }
}

/// `expect STATUS...`: the HTTP status codes that pass, as codes and ranges (`200-299 301`),
/// each within 100–599 (RFC 9110 §15). Written back the same way in a failing verdict.
struct ExpectedStatus: Sendable, Equatable, CustomStringConvertible {
    var ranges: [ClosedRange<Int>]

    /// SPEC §5: status 200 passes, anything else fails.
    static let ok = ExpectedStatus(ranges: [200...200])

    func contains(_ code: Int) -> Bool { ranges.contains { $0.contains(code) } }

    var description: String {
        ranges.map { $0.count == 1 ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: " ")
    }
}
