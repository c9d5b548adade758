/// `KEY [KEY...] { directives }` → `ServerBlockConfig` (SPEC §3). Reports every problem it can
/// find in the block, continuing at the next directive after each one.
enum ServerBlockParser {
    static let directives = [
        "bind", "zoneregistry", "whoami", "health", "ready", "prometheus", "control", "log", "errors", "debug", "tsig", "transfer",
    ]

    private static let shape = DirectiveShape(component: nil)

    /// The block, or nil when anything in it was wrong (the errors are in `diagnostics`).
    static func parse(_ d: Directive, defaultPort: UInt16, _ diagnostics: inout Diagnostics) -> ServerBlockConfig? {
        let errorsBefore = diagnostics.errors.count
        let keys = parseKeys(d, defaultPort: defaultPort, &diagnostics)
        var server = ServerBlockConfig(keys: keys ?? [], location: d.name.location)
        guard let block = shape.requiredBlock(d, &diagnostics) else { return nil }
        var seen = SeenKeywords()
        for directive in block.directives {
            if directive.keyword == "transfer" {
                // Repeatable, as CoreDNS's: one per set of zones with its own addresses.
                if let transfer = TransferParser.parse(directive, keys: keys, &diagnostics) { server.transfers.append(transfer) }
            } else if seen.isFirst(directive, shape, &diagnostics) {
                apply(directive, to: &server, keysParsed: keys != nil, &diagnostics)
            }
        }
        TransferParser.check(server.transfers, registry: server.registry, &diagnostics)
        if server.registry != nil {
            QuorumParser.resolve(&server.registry!, bind: server.bind, tsig: server.tsig, &diagnostics)
        }
        return diagnostics.errors.count == errorsBefore ? server : nil
    }

    /// Keys may be separated by spaces or commas (`example.org, example.net`), as in Caddy.
    private static func parseKeys(_ d: Directive, defaultPort: UInt16, _ diagnostics: inout Diagnostics) -> [ServerKey]? {
        var keys: [ServerKey] = []
        var valid = true
        for token in [d.name] + d.arguments {
            let texts = token.text.split(separator: ",")
            if texts.isEmpty {
                diagnostics.error(
                    token.location, "invalid server block key \(quoted(token.text)); expected [dns://]ZONE[:PORT]")
                valid = false
            }
            for text in texts {
                if let key = ServerKey.parse(token, text: String(text), defaultPort: defaultPort, &diagnostics) {
                    keys.append(key)
                } else {
                    valid = false
                }
            }
        }
        return valid ? keys : nil
    }

    private static func apply(
        _ d: Directive, to server: inout ServerBlockConfig, keysParsed: Bool, _ diagnostics: inout Diagnostics
    ) {
        switch d.keyword {
        case "bind":
            server.bind = bindAddresses(d, &diagnostics) ?? []
        case "zoneregistry":
            server.registry = RegistryParser.parse(d, keys: keysParsed ? server.keys : nil, &diagnostics)
        case "tsig":
            server.tsig = TSIGParser.parse(d, keys: keysParsed ? server.keys : nil, &diagnostics)
        case "whoami":
            server.whoami = shape.bare(d, usage: "whoami", &diagnostics)
        case "health":
            server.health = HealthParser.parse(d, &diagnostics)
        case "ready":
            server.ready = httpAddress(d, default: HTTPListenAddress(host: nil, port: 8181), &diagnostics)
        case "prometheus":
            let localhost = HTTPListenAddress(host: .v4(IPv4Address(value: 0x7f00_0001)), port: 9153)
            server.prometheus = httpAddress(d, default: localhost, &diagnostics)
        case "control":
            server.control = ControlParser.parse(d, &diagnostics)
        case "log":
            server.log = shape.bare(d, usage: "log", &diagnostics)
        case "errors":
            server.errors = shape.bare(d, usage: "errors", &diagnostics)
        case "debug":
            server.debug = shape.bare(d, usage: "debug", &diagnostics)
        default:
            shape.unknown(d, kind: "directive", known: directives, &diagnostics)
        }
    }

    private static func bindAddresses(_ d: Directive, _ diagnostics: inout Diagnostics) -> [ListenHost]? {
        guard let tokens = shape.some(d, usage: "bind ADDRESS...", &diagnostics) else { return nil }
        var addresses: [ListenHost] = []
        for token in tokens {
            guard let address = ConfigValue.ip(token, &diagnostics) else { continue }
            if addresses.contains(address) {
                diagnostics.error(token.location, "bind address \(quoted(token.text)) given twice")
            }
            addresses.append(address)
        }
        return addresses
    }

    /// `ready [ADDRESS]` and `prometheus [ADDRESS]`.
    private static func httpAddress(
        _ d: Directive, default address: HTTPListenAddress, _ diagnostics: inout Diagnostics
    ) -> HTTPListenAddress? {
        let usage = "\(d.keyword) [ADDRESS]"
        guard shape.noBlock(d, &diagnostics), shape.atMost(1, d, usage: usage, &diagnostics) else { return nil }
        guard let token = d.arguments.first else { return address }
        return ConfigValue.httpAddress(token, &diagnostics)
    }
}
