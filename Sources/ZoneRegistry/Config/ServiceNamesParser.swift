/// The `zoneregistry` options that shape the zone handed to secondaries (SPEC §10):
/// `names NAME...` and `soa REFRESH RETRY EXPIRE`.
enum ServiceNamesParser {
    /// Seconds: one second to a year, enough for any secondary's timers.
    static let timerRange = 1_000...31_536_000_000
    private static let shape = DirectiveShape(component: "zoneregistry")

    /// `names app www api`: single labels below every zone of the registry.
    static func names(_ d: Directive, _ diagnostics: inout Diagnostics) -> [String]? {
        guard let tokens = shape.some(d, usage: "names NAME...", &diagnostics) else { return nil }
        var names: [String] = []
        var valid = true
        for token in tokens {
            guard let name = ConfigValue.name(token, what: "service name", &diagnostics) else { valid = false; continue }
            let label = name.description.dropLast().lowercased()
            guard name.labelCount == 1 else {
                diagnostics.error(
                    token.location, shape.message("service name \(quoted(token.text)) must be one label, such as \"app\""))
                valid = false
                continue
            }
            if names.contains(label) {
                diagnostics.error(token.location, shape.message("service name \(quoted(token.text)) given twice"))
                valid = false
            }
            names.append(label)
        }
        return valid ? names : nil
    }

    static func soaTimers(_ d: Directive, _ diagnostics: inout Diagnostics) -> SOATimers? {
        let usage = "soa REFRESH RETRY EXPIRE"
        guard let tokens = shape.some(d, usage: usage, &diagnostics) else { return nil }
        guard tokens.count == 3 else {
            if tokens.count > 3 {
                _ = shape.atMost(3, d, usage: usage, &diagnostics)
            } else {
                shape.missingArgument(d, usage: usage, &diagnostics)
            }
            return nil
        }
        var seconds: [UInt32] = []
        for (token, what) in zip(tokens, ["SOA refresh", "SOA retry", "SOA expire"]) {
            guard let milliseconds = ConfigValue.duration(token, what: what, in: timerRange, &diagnostics) else { continue }
            guard milliseconds % 1000 == 0 else {
                diagnostics.error(token.location, "invalid \(what) \(quoted(token.text)); expected whole seconds")
                continue
            }
            seconds.append(UInt32(milliseconds / 1000))
        }
        guard seconds.count == 3 else { return nil }
        let timers = SOATimers(refresh: seconds[0], retry: seconds[1], expire: seconds[2])
        // RFC 1912 §2.2: a secondary that expires before its retries are over drops the zone
        // on the first missed refresh.
        guard UInt64(timers.expire) >= UInt64(timers.refresh) + UInt64(timers.retry) else {
            diagnostics.error(
                tokens[2].location,
                shape.message("SOA expire \(timers.expire)s is less than refresh + retry (\(UInt64(timers.refresh) + UInt64(timers.retry))s)"))
            return nil
        }
        return timers
    }

    /// A service name that is also a peer host or an `ns` name would be answered as that
    /// name, never as a service: say so instead of transferring records nobody is answered.
    static func checkAgainstNames(_ registry: RegistryConfig, _ diagnostics: inout Diagnostics) {
        guard !registry.serviceNames.isEmpty else { return }
        let taken = registry.peers.map(\.host) + registry.nameServers.map(\.name)
        for label in registry.serviceNames {
            for zone in registry.zones {
                guard let name = try? zone.prepending(label: label), taken.contains(name) else { continue }
                diagnostics.error(
                    registry.location,
                    shape.message("service name \(quoted(label)) is \(quoted(name.description)), a peer or ns name; choose another"))
            }
        }
    }
}
