/// The probe options (SPEC §12) a `peer` block and the `zoneregistry` block both accept → one
/// `ProbeOptions`. The same words and errors in either place; which one wins is
/// `ProbeOptions.over`.
enum ProbeOptionParser {
    static let options = ["probe_source"]

    /// Applies `option` when it is a probe option; false when it is not one.
    static func apply(
        _ option: Directive, to probe: inout ProbeOptions, shape: DirectiveShape, _ diagnostics: inout Diagnostics
    ) -> Bool {
        switch option.keyword {
        case "probe_source":
            if let tokens = shape.some(option, usage: "probe_source ADDRESS [ADDRESS]", &diagnostics),
               let source = source(tokens, at: option.name.location, shape: shape, &diagnostics) {
                probe.source = source
            }
        default:
            return false
        }
        return true
    }

    /// At most one address per family, each one this machine can bind: checked now, so a typo
    /// or an address moved to another host fails the load instead of every probe.
    private static func source(
        _ tokens: [Token], at location: SourceLocation, shape: DirectiveShape, _ diagnostics: inout Diagnostics
    ) -> ProbeSource? {
        var source = ProbeSource(location: location)
        var valid = true
        for token in tokens {
            guard let address = ConfigValue.ip(token, &diagnostics) else { valid = false; continue }
            switch address {
            case .v4(let v4) where source.ipv4 == nil: source.ipv4 = v4
            case .v6(let v6) where source.ipv6 == nil: source.ipv6 = v6
            default:
                diagnostics.error(
                    token.location,
                    shape.message("probe_source takes one IPv4 and one IPv6 address at most; \(quoted(token.text)) is a second \(address.isIPv6 ? "IPv6" : "IPv4") address"))
                valid = false
                continue
            }
            if let failure = LocalAddress.bindFailure(address) {
                diagnostics.error(
                    token.location,
                    "probe_source \(quoted(token.text)) cannot be bound: \(failure.name) (\(failure.message)); expected an address this machine can send from")
                valid = false
            }
        }
        return valid ? source : nil
    }

    /// A peer's addresses each need a source of their family once a source is in effect: a
    /// probe from the kernel's choice would defeat what `probe_source` is for (an ACL keyed by
    /// the registry's address, SPEC §9).
    static func checkSourceFamilies(_ peer: PeerConfig, own: Bool, _ diagnostics: inout Diagnostics) {
        guard let source = peer.probe.source else { return }
        let whose = own ? "its probe_source at \(source.location)" : "the registry's probe_source at \(source.location)"
        for (family, needed, present) in [("IPv4", peer.ipv4 != nil, source.ipv4 != nil), ("IPv6", peer.ipv6 != nil, source.ipv6 != nil)]
        where needed && !present {
            diagnostics.error(
                peer.location,
                "peer \(quoted(peer.host.description)) has an \(family) address but \(whose) has none; add an \(family) address to it\(own ? "" : " or give the peer its own probe_source")")
        }
    }
}
