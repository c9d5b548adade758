/// `zoneregistry [ZONES...] { options }` → `RegistryConfig`, with the SPEC §3 defaults and ranges.
enum RegistryParser {
    static let options = [
        "interval", "timeout", "ttl", "fallthrough", "mode", "ns", "rise", "fall", "select", "fail_open",
        "debug", "metrics", "peer", "names", "soa",
    ] + ProbeOptionParser.options + QuorumParser.options
    static let intervalRange = 100...300_000
    static let timeoutRange = 10...30_000
    static let ttlRange = 0...3600
    static let riseFallRange = 1...10

    private static let shape = DirectiveShape(component: "zoneregistry")

    /// `keys` is nil when the server block's keys were invalid: zones are then not checked
    /// against them, which would only repeat the same mistake.
    static func parse(_ d: Directive, keys: [ServerKey]?, _ diagnostics: inout Diagnostics) -> RegistryConfig? {
        let errorsBefore = diagnostics.errors.count
        let zones = registryZones(d, keys: keys, &diagnostics)
        var registry = RegistryConfig(zones: zones, location: d.name.location)
        var seen = SeenKeywords()
        var peerLocations: [DomainName: SourceLocation] = [:]
        for option in d.block?.directives ?? [] {
            switch option.keyword {
            case "peer":
                guard let peer = PeerParser.parse(option, zones: zones, &diagnostics) else { continue }
                if let first = peerLocations[peer.host] {
                    diagnostics.error(peer.location, "peer \(quoted(peer.host.description)) given twice; first at \(first)")
                }
                peerLocations[peer.host] = peerLocations[peer.host] ?? peer.location
                registry.peers.append(peer)
            case "ns":
                if let server = nameServer(option, zones: zones, registry.nameServers, &diagnostics) {
                    registry.nameServers.append(server)
                }
            default:
                if ProbeOptionParser.repeatable.contains(option.keyword) || seen.isFirst(option, shape, &diagnostics) {
                    apply(option, to: &registry, &diagnostics)
                }
            }
        }
        for index in registry.peers.indices {
            let own = registry.peers[index].probe.source != nil
            registry.peers[index].probe = registry.peers[index].probe.over(registry.probeDefaults)
            ProbeOptionParser.checkSourceFamilies(registry.peers[index], own: own, &diagnostics)
        }
        ServiceNamesParser.checkAgainstNames(registry, &diagnostics)
        if diagnostics.errors.count == errorsBefore, registry.peers.isEmpty {
            diagnostics.error(d.name.location, shape.message("no peers; expected at least one \"peer HOST { ... }\""))
        }
        return registry
    }

    /// The zones written after `zoneregistry`, each at or below a key's zone; else the keys' zones.
    private static func registryZones(_ d: Directive, keys: [ServerKey]?, _ diagnostics: inout Diagnostics) -> [DomainName] {
        var keyZones: [DomainName] = []
        for key in keys ?? [] where !keyZones.contains(key.zone) { keyZones.append(key.zone) }
        if d.arguments.isEmpty { return keyZones }
        var zones: [DomainName] = []
        for token in d.arguments {
            guard let zone = ConfigValue.name(token, what: "zone", &diagnostics) else { continue }
            if zones.contains(zone) {
                diagnostics.error(token.location, "zone \(quoted(zone.description)) given twice")
            } else if keys != nil, !keyZones.contains(where: { zone.isSubdomain(of: $0) }) {
                let served = keyZones.map(\.description).joined(separator: ", ")
                diagnostics.error(
                    token.location, "zone \(quoted(zone.description)) is not within this server block's zones (\(served))")
            }
            zones.append(zone)
        }
        return zones
    }

    private static func apply(_ option: Directive, to registry: inout RegistryConfig, _ diagnostics: inout Diagnostics) {
        func argument(_ usage: String) -> Token? { shape.single(option, usage: usage, &diagnostics) }
        switch option.keyword {
        case "interval":
            if let token = argument("interval DURATION"),
               let value = ConfigValue.duration(token, what: "interval", in: intervalRange, &diagnostics) {
                registry.intervalMilliseconds = value
            }
        case "timeout":
            if let token = argument("timeout DURATION"),
               let value = ConfigValue.duration(token, what: "timeout", in: timeoutRange, &diagnostics) {
                registry.timeoutMilliseconds = value
            }
        case "ttl":
            if let token = argument("ttl SECONDS"),
               let value = ConfigValue.integer(token, what: "TTL", in: ttlRange, &diagnostics) {
                registry.ttl = UInt32(value)
            }
        case "rise", "fall":
            if let token = argument("\(option.keyword) COUNT"),
               let value = ConfigValue.integer(token, what: option.keyword, in: riseFallRange, &diagnostics) {
                if option.keyword == "rise" { registry.rise = value } else { registry.fall = value }
            }
        case "mode":
            if let token = argument("mode delegate|address|cname"),
               let value = ConfigValue.keyword(token, what: "mode", as: AnswerMode.self, &diagnostics) {
                registry.mode = value
            }
        case "fail_open":
            if let token = argument("fail_open on|off"),
               let value = ConfigValue.onOff(token, what: "fail_open", &diagnostics) {
                registry.failOpen = value
            }
        default:
            applyListOrFlag(option, to: &registry, &diagnostics)
        }
    }

    private static func applyListOrFlag(
        _ option: Directive, to registry: inout RegistryConfig, _ diagnostics: inout Diagnostics
    ) {
        switch option.keyword {
        case "fallthrough":
            guard shape.noBlock(option, &diagnostics) else { return }
            let zones = option.arguments.compactMap { ConfigValue.name($0, what: "fallthrough zone", &diagnostics) }
            if zones.count == option.arguments.count { registry.fallthroughZones = zones }
        case "select":
            if let tokens = shape.some(option, usage: "select KEY=VALUE...", &diagnostics),
               let labels = ConfigValue.labels(tokens, &diagnostics) {
                registry.select = labels
            }
        case "debug":
            registry.debug = shape.bare(option, usage: "debug", &diagnostics)
        case "metrics":
            registry.metrics = shape.bare(option, usage: "metrics", &diagnostics)
        case "names":
            if let names = ServiceNamesParser.names(option, &diagnostics) { registry.serviceNames = names }
        case "soa":
            if let timers = ServiceNamesParser.soaTimers(option, &diagnostics) { registry.soaTimers = timers }
        default:
            if !ProbeOptionParser.apply(option, to: &registry.probeDefaults, shape: shape, &diagnostics),
               !QuorumParser.apply(option, to: &registry, &diagnostics) {
                shape.unknown(option, kind: "option", known: options, &diagnostics)
            }
        }
    }

    /// `ns NAME ADDRESS...`; a name inside the registry's zones can only be answered with
    /// the addresses given here, so it needs at least one.
    private static func nameServer(
        _ d: Directive, zones: [DomainName], _ existing: [NameServerConfig], _ diagnostics: inout Diagnostics
    ) -> NameServerConfig? {
        guard let tokens = shape.some(d, usage: "ns NAME ADDRESS...", &diagnostics),
              let name = ConfigValue.name(tokens[0], what: "ns name", &diagnostics) else { return nil }
        var server = NameServerConfig(name: name)
        for token in tokens.dropFirst() {
            switch ConfigValue.ip(token, &diagnostics) {
            case .v4(let address): server.ipv4.append(address)
            case .v6(let address): server.ipv6.append(address)
            case nil: return nil
            }
        }
        if existing.contains(where: { $0.name == name }) {
            diagnostics.error(tokens[0].location, "ns name \(quoted(name.description)) given twice")
            return nil
        }
        if tokens.count == 1, zones.contains(where: { name.isSubdomain(of: $0) }) {
            diagnostics.error(
                tokens[0].location,
                "ns name \(quoted(name.description)) is inside the zone and needs an address; expected \"ns NAME ADDRESS...\"")
            return nil
        }
        return server
    }
}
