/// `quorum KEY` and `self NAME` of a `zoneregistry` block (SPEC §9): the masters named by `ns`
/// exchange their verdicts, signed with the `tsig` key KEY.
struct QuorumConfig: Sendable, Equatable {
    var keyName: DomainName
    var location: SourceLocation
    /// Filled in by `QuorumParser.resolve`: which `ns` entry is this master (index into
    /// `RegistryConfig.nameServers`; every other entry is a fellow) and the `tsig` key.
    var selfIndex = 0
    var key: TSIGKey?
}

/// `self NAME` as written.
struct SelfName: Sendable, Equatable {
    var name: DomainName
    var location: SourceLocation
}

/// Reads `quorum` and `self`, and checks them once the whole server block is known.
enum QuorumParser {
    static let options = ["quorum", "self"]
    private static let shape = DirectiveShape(component: "zoneregistry")

    /// False when `option` is neither.
    static func apply(_ option: Directive, to registry: inout RegistryConfig, _ diagnostics: inout Diagnostics) -> Bool {
        switch option.keyword {
        case "quorum":
            if let token = shape.single(option, usage: "quorum KEY", &diagnostics),
               let name = ConfigValue.name(token, what: "quorum key name", &diagnostics) {
                registry.quorum = QuorumConfig(keyName: name, location: token.location)
            }
        case "self":
            if let token = shape.single(option, usage: "self NAME", &diagnostics),
               let name = ConfigValue.name(token, what: "self name", &diagnostics) {
                registry.selfName = SelfName(name: name, location: token.location)
            }
        default:
            return false
        }
        return true
    }

    /// SPEC §9's rules, with the block's `bind` and `tsig` known: the key is declared, `self`
    /// is an `ns` entry (by default the one whose address the block binds), at least one
    /// fellow exists and every fellow has an address to be asked at.
    static func resolve(_ registry: inout RegistryConfig, bind: [ListenHost], tsig: TSIGDirective?,
                        _ diagnostics: inout Diagnostics) {
        guard var quorum = registry.quorum else {
            if let given = registry.selfName {
                diagnostics.error(given.location, shape.message("\"self\" needs \"quorum KEY\""))
            }
            return
        }
        guard let key = tsig?.keyring[quorum.keyName] else {
            diagnostics.error(quorum.location, shape.message(
                "quorum key \(quoted(quorum.keyName.description)) is not declared by a tsig directive in this server block"))
            return
        }
        quorum.key = key
        let servers = registry.nameServers
        guard servers.count >= 2 else {
            diagnostics.error(quorum.location, shape.message(
                "quorum needs at least two ns entries: this master and a fellow"))
            return
        }
        let names = servers.map(\.name.description).joined(separator: ", ")
        if let given = registry.selfName {
            guard let index = servers.firstIndex(where: { $0.name == given.name }) else {
                diagnostics.error(given.location, shape.message(
                    "self \(quoted(given.name.description)) is not an ns entry; expected one of \(names)"))
                return
            }
            quorum.selfIndex = index
        } else {
            let bound = servers.indices.filter { index in
                bind.contains { host in
                    switch host {
                    case .v4(let address): servers[index].ipv4.contains(address)
                    case .v6(let address): servers[index].ipv6.contains(address)
                    }
                }
            }
            guard bound.count == 1, let index = bound.first else {
                let why = bound.isEmpty ? "no ns entry has an address this block binds" : "several ns entries have addresses this block binds"
                diagnostics.error(quorum.location, shape.message(
                    "cannot tell which ns entry is this master: \(why); add \"self NAME\" (one of \(names))"))
                return
            }
            quorum.selfIndex = index
        }
        for (index, server) in servers.enumerated()
        where index != quorum.selfIndex && server.ipv4.isEmpty && server.ipv6.isEmpty {
            diagnostics.error(quorum.location, shape.message(
                "fellow ns \(quoted(server.name.description)) has no address to exchange verdicts with"))
        }
        registry.quorum = quorum
    }
}
