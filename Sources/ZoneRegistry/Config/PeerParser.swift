/// `peer HOST { options }` → `PeerConfig`.
enum PeerParser {
    static let options = ["role", "labels", "ipv4", "ipv6", "protocol", "path", "port", "tls_insecure", "tls_ca"]
        + ProbeOptionParser.options
    static let portRange = 1...65535

    private static let shape = DirectiveShape(component: "peer")

    /// The peer, or nil when anything in it was wrong. Whole-peer checks (an address, TLS options
    /// only with https) run only on an otherwise valid peer, so one typo gives one error.
    static func parse(_ d: Directive, zones: [DomainName], _ diagnostics: inout Diagnostics) -> PeerConfig? {
        let errorsBefore = diagnostics.errors.count
        let outer = DirectiveShape(component: "zoneregistry")
        guard let hostToken = d.arguments.first else {
            outer.missingArgument(d, usage: "peer HOST { ... }", &diagnostics)
            return nil
        }
        guard outer.atMost(1, d, usage: "peer HOST { ... }", &diagnostics),
              let block = outer.requiredBlock(d, &diagnostics),
              let host = ConfigValue.name(hostToken, what: "peer host", &diagnostics) else { return nil }
        if !zones.isEmpty, !zones.contains(where: { host.isSubdomain(of: $0) && host != $0 }) {
            let names = zones.map(\.description).joined(separator: ", ")
            diagnostics.error(hostToken.location, "peer host \(quoted(host.description)) is not below the registry's zones (\(names))")
        }
        var peer = PeerConfig(host: host, location: hostToken.location)
        var seen = SeenKeywords()
        var tlsOptions: [Directive] = []
        for option in block.directives
        where ProbeOptionParser.repeatable.contains(option.keyword) || seen.isFirst(option, shape, &diagnostics) {
            if option.keyword.hasPrefix("tls_") { tlsOptions.append(option) }
            apply(option, to: &peer, &diagnostics)
        }
        guard diagnostics.errors.count == errorsBefore else { return nil }
        if peer.ipv4 == nil, peer.ipv6 == nil {
            diagnostics.error(
                hostToken.location,
                "peer \(quoted(hostToken.text)) has no address; expected \"ipv4 ADDRESS\" or \"ipv6 ADDRESS\"")
        }
        for option in tlsOptions where peer.probeProtocol != .https {
            diagnostics.error(
                option.name.location,
                shape.message("\(quoted(option.name.text)) applies only to protocol https; this peer uses \(peer.probeProtocol.rawValue)"))
        }
        return diagnostics.errors.count == errorsBefore ? peer : nil
    }

    private static func apply(_ option: Directive, to peer: inout PeerConfig, _ diagnostics: inout Diagnostics) {
        func argument(_ usage: String) -> Token? { shape.single(option, usage: usage, &diagnostics) }
        switch option.keyword {
        case "role":
            if let token = argument("role primary|secondary"),
               let role = ConfigValue.keyword(token, what: "role", as: PeerRole.self, &diagnostics) { peer.role = role }
        case "labels":
            if let tokens = shape.some(option, usage: "labels KEY=VALUE...", &diagnostics),
               let labels = ConfigValue.labels(tokens, &diagnostics) { peer.labels = labels }
        case "ipv4":
            if let token = argument("ipv4 ADDRESS"), let address = ConfigValue.ipv4(token, &diagnostics) { peer.ipv4 = address }
        case "ipv6":
            if let token = argument("ipv6 ADDRESS"), let address = ConfigValue.ipv6(token, &diagnostics) { peer.ipv6 = address }
        case "protocol":
            if let token = argument("protocol http|https|tcp"),
               let value = ConfigValue.keyword(token, what: "protocol", as: ProbeProtocol.self, &diagnostics) {
                peer.probeProtocol = value
            }
        case "path":
            if let token = argument("path /PATH"), let path = path(token, &diagnostics) { peer.path = path }
        case "port":
            if let token = argument("port NUMBER"),
               let port = ConfigValue.integer(token, what: "port", in: portRange, &diagnostics) { peer.port = UInt16(port) }
        case "tls_insecure":
            peer.tlsInsecure = shape.bare(option, usage: "tls_insecure", &diagnostics)
        case "tls_ca":
            if let token = argument("tls_ca FILE") {
                if token.text.isEmpty {
                    diagnostics.error(token.location, "invalid tls_ca file \"\"; expected a path to a PEM file")
                } else {
                    peer.tlsCAFile = token.text
                }
            }
        default:
            if !ProbeOptionParser.apply(option, to: &peer.probe, shape: shape, &diagnostics) {
                shape.unknown(option, kind: "option", known: options, &diagnostics)
            }
        }
    }

    /// The path goes verbatim into the probe's request line, so it must be one printable
    /// ASCII word starting with `/` (RFC 9112 §3.2.1 origin-form).
    private static func path(_ token: Token, _ diagnostics: inout Diagnostics) -> String? {
        let printable = token.text.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7f }
        guard token.text.hasPrefix("/"), printable else {
            diagnostics.error(
                token.location, "invalid path \(quoted(token.text)); expected printable ASCII starting with \"/\", such as /health")
            return nil
        }
        return token.text
    }
}
