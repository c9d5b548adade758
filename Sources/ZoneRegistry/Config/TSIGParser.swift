/// `tsig [ZONE...] { secret NAME BASE64; secrets FILE; require [QTYPE...|all|none] }`, as
/// CoreDNS's `tsig` plugin. Errors never quote a secret.
enum TSIGParser {
    static let options = ["secret", "secrets", "require"]

    private static let shape = DirectiveShape(component: "tsig")

    static func parse(_ d: Directive, keys: [ServerKey]?, _ diagnostics: inout Diagnostics) -> TSIGDirective? {
        let errorsBefore = diagnostics.errors.count
        var zones: [DomainName] = []
        for token in d.arguments {
            if let zone = ConfigValue.name(token, what: "zone", &diagnostics) { zones.append(zone) }
        }
        if d.arguments.isEmpty {
            for key in keys ?? [] where !zones.contains(key.zone) { zones.append(key.zone) }
        }
        guard let block = shape.requiredBlock(d, &diagnostics) else { return nil }
        var tsig = TSIGDirective(zones: zones, keyring: TSIGKeyring(), location: d.name.location)
        var declared: [(key: TSIGKey, at: SourceLocation)] = []
        var seenRequire: SourceLocation?
        for option in block.directives {
            switch option.keyword {
            case "secret":
                if let key = secret(option, &diagnostics) { declared.append((key, option.name.location)) }
            case "secrets":
                if let token = shape.single(option, usage: "secrets FILE", &diagnostics) {
                    for (key, at) in TSIGKeyFile.load(token, &diagnostics) { declared.append((key, at)) }
                }
            case "require":
                if let first = seenRequire {
                    diagnostics.error(option.name.location, shape.message("\(quoted(option.name.text)) given twice; first at \(first)"))
                } else if let requirement = require(option, &diagnostics) {
                    tsig.require = requirement
                }
                seenRequire = seenRequire ?? option.name.location
            default:
                shape.unknown(option, kind: "option", known: options, &diagnostics)
            }
        }
        var first: [DomainName: SourceLocation] = [:]
        for (key, at) in declared {
            if let earlier = first[key.name] {
                diagnostics.error(at, shape.message("key \(quoted(key.name.description)) given twice; first at \(earlier)"))
            }
            first[key.name] = first[key.name] ?? at
        }
        if declared.isEmpty, diagnostics.errors.count == errorsBefore {
            diagnostics.error(d.name.location, shape.message("no keys; expected \"secret NAME BASE64\" or \"secrets FILE\""))
        }
        tsig.keyring = TSIGKeyring(declared.map(\.key))
        return diagnostics.errors.count == errorsBefore ? tsig : nil
    }

    /// `secret NAME BASE64`: bound to no algorithm, as in CoreDNS (a request may use any HMAC).
    private static func secret(_ option: Directive, _ diagnostics: inout Diagnostics) -> TSIGKey? {
        let usage = "secret NAME BASE64"
        guard shape.noBlock(option, &diagnostics), shape.atMost(2, option, usage: usage, &diagnostics) else { return nil }
        guard option.arguments.count == 2 else {
            shape.missingArgument(option, usage: usage, &diagnostics)
            return nil
        }
        guard let name = ConfigValue.name(option.arguments[0], what: "key name", &diagnostics) else { return nil }
        guard let secret = Base64.decode(option.arguments[1].text) else {
            diagnostics.error(option.arguments[1].location,
                              "invalid base64 secret for key \(quoted(name.description)); expected e.g. the output of \"tsig-keygen\"")
            return nil
        }
        return TSIGKey(name: name, algorithm: nil, secret: secret)
    }

    private static func require(_ option: Directive, _ diagnostics: inout Diagnostics) -> TSIGRequirement? {
        guard let tokens = shape.some(option, usage: "require QTYPE...|all|none", &diagnostics) else { return nil }
        if tokens.count == 1, tokens[0].text.lowercased() == "all" { return .all }
        if tokens.count == 1, tokens[0].text.lowercased() == "none" { return TSIGRequirement.none }
        var types = Set<UInt16>()
        for token in tokens {
            guard let value = QueryTypeName.value(token.text) else {
                diagnostics.error(token.location, "unknown query type \(quoted(token.text)); expected e.g. AXFR, IXFR, TXT, TYPE65, or all or none alone")
                continue
            }
            types.insert(value)
        }
        return .types(types)
    }
}
