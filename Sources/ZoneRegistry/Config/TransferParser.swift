/// `transfer [ZONES...] { to ADDRESS[:PORT]... }` → `TransferConfig`, and the checks that need
/// the whole server block (its keys, its `zoneregistry`).
enum TransferParser {
    static let options = ["to"]
    static let usage = "to ADDRESS[:PORT]..."

    private static let shape = DirectiveShape(component: "transfer")

    static func parse(_ d: Directive, keys: [ServerKey]?, _ diagnostics: inout Diagnostics) -> TransferConfig? {
        let errorsBefore = diagnostics.errors.count
        var zones: [DomainName] = []
        for token in d.arguments {
            guard let zone = ConfigValue.name(token, what: "zone", &diagnostics) else { continue }
            if zones.contains(zone) { diagnostics.error(token.location, shape.message("zone \(quoted(zone.description)) given twice")) }
            zones.append(zone)
        }
        if d.arguments.isEmpty, let keys {
            for key in keys where !zones.contains(key.zone) { zones.append(key.zone) }
        }
        var transfer = TransferConfig(zones: zones, targets: [], location: d.name.location)
        guard let block = DirectiveShape(component: nil).requiredBlock(d, &diagnostics) else { return nil }
        for option in block.directives {
            guard option.keyword == "to" else {
                shape.unknown(option, kind: "option", known: options, &diagnostics)
                continue
            }
            for token in shape.some(option, usage: usage, &diagnostics) ?? [] {
                guard let target = target(token, &diagnostics) else { continue }
                if transfer.targets.contains(target) {
                    diagnostics.error(token.location, shape.message("address \(quoted(token.text)) given twice"))
                }
                transfer.targets.append(target)
            }
        }
        if block.directives.isEmpty {
            diagnostics.error(block.open.location, shape.message("no addresses; expected \(quoted(usage))"))
        }
        return diagnostics.errors.count == errorsBefore ? transfer : nil
    }

    /// `*`, `IPv4`, `IPv4:PORT`, `IPv6`, `[IPv6]:PORT`; NOTIFY goes to port 53 when none is given.
    static func target(_ token: Token, _ diagnostics: inout Diagnostics) -> TransferTarget? {
        let text = token.text
        if text == "*" { return .any }
        if let v4 = IPv4Address(text) { return .address(.v4(v4), port: 53) }
        if let v6 = IPv6Address(text) { return .address(.v6(v6), port: 53) }
        if let address = HTTPListenAddress(parsing: text), let host = address.host {
            return .address(host, port: address.port)
        }
        diagnostics.error(
            token.location,
            shape.message("invalid address \(quoted(text)); expected *, IP, IPv4:PORT or [IPv6]:PORT"))
        return nil
    }

    /// Every zone a block transfers must be one its `zoneregistry` answers: the transferred
    /// zone is that registry's view (SPEC §10), and no other data is served.
    static func check(_ transfers: [TransferConfig], registry: RegistryConfig?, _ diagnostics: inout Diagnostics) {
        var seen: [DomainName: SourceLocation] = [:]
        for transfer in transfers {
            guard let registry else {
                diagnostics.error(transfer.location, shape.message("this server block has no zoneregistry to transfer"))
                continue
            }
            for zone in transfer.zones {
                if let first = seen[zone] {
                    diagnostics.error(transfer.location, shape.message("zone \(quoted(zone.description)) already transferred at \(first)"))
                } else if !registry.zones.contains(zone) {
                    let served = registry.zones.map(\.description).joined(separator: ", ")
                    diagnostics.error(
                        transfer.location,
                        shape.message("zone \(quoted(zone.description)) is not a zone of this block's zoneregistry (\(served))"))
                }
                seen[zone] = seen[zone] ?? transfer.location
            }
        }
    }
}
