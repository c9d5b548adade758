/// The probe options (SPEC §12) a `peer` block and the `zoneregistry` block both accept → one
/// `ProbeOptions`. The same words and errors in either place; which one wins is
/// `ProbeOptions.over`.
enum ProbeOptionParser {
    static let options = ["expect", "expect_body", "header", "host", "probe_source"]
    /// Options that may be given more than once in a block.
    static let repeatable: Set<String> = ["header"]
    /// RFC 9110 §15: status codes are three digits, 1xx to 5xx.
    static let statusRange = 100...599
    /// Headers the probe itself sends and depends on: `Connection: close` is what lets the
    /// peer close first (SPEC §12), and a GET without a body has no framing headers.
    static let reservedHeaders = ["connection", "content-length", "transfer-encoding"]

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
        case "expect":
            if let tokens = shape.some(option, usage: "expect STATUS...", &diagnostics),
               let expected = statuses(tokens, &diagnostics) {
                probe.expect = expected
            }
        case "expect_body":
            if let token = shape.single(option, usage: "expect_body TEXT", &diagnostics), let text = bodyText(token, &diagnostics) {
                probe.expectBody = text
            }
        case "header":
            if let header = header(option, existing: probe.headers, shape: shape, &diagnostics) { probe.headers.append(header) }
        case "host":
            if let token = shape.single(option, usage: "host NAME", &diagnostics),
               let name = ConfigValue.name(token, what: "host", &diagnostics) {
                probe.host = name
            }
        default:
            return false
        }
        return true
    }

    /// `200`, `200-299`: each code or range within 100–599, a range low to high.
    private static func statuses(_ tokens: [Token], _ diagnostics: inout Diagnostics) -> ExpectedStatus? {
        var ranges: [ClosedRange<Int>] = []
        for token in tokens {
            let parts = token.text.split(separator: "-", omittingEmptySubsequences: false)
            let codes = parts.map { part in part.count == 3 && part.allSatisfy { $0.isASCII && $0.isNumber } ? Int(part) : nil }
            guard parts.count <= 2, let low = codes[0], let high = codes.last ?? nil else {
                diagnostics.error(
                    token.location,
                    "invalid status \(quoted(token.text)); expected a code from 100 to 599 or a range such as 200-299")
                return nil
            }
            guard statusRange.contains(low), statusRange.contains(high) else {
                diagnostics.error(token.location, "status \(quoted(token.text)) is out of range; expected 100 to 599")
                return nil
            }
            guard low <= high else {
                diagnostics.error(token.location, "invalid status range \(quoted(token.text)); expected the lower code first")
                return nil
            }
            ranges.append(low...high)
        }
        return ExpectedStatus(ranges: ranges)
    }

    private static func bodyText(_ token: Token, _ diagnostics: inout Diagnostics) -> String? {
        guard !token.text.isEmpty else {
            diagnostics.error(token.location, "invalid expect_body \"\"; expected the text the body must contain")
            return nil
        }
        guard token.text.utf8.count <= 1024 else {
            diagnostics.error(token.location, "expect_body text is \(token.text.utf8.count) bytes; expected at most 1024")
            return nil
        }
        return token.text
    }

    /// `header NAME VALUE`: NAME an RFC 9110 §5.6.2 token, VALUE without control characters
    /// (§5.5: CR or LF would end the header and inject another one).
    private static func header(
        _ option: Directive, existing: [ProbeHeader], shape: DirectiveShape, _ diagnostics: inout Diagnostics
    ) -> ProbeHeader? {
        let usage = "header NAME VALUE"
        guard shape.noBlock(option, &diagnostics) else { return nil }
        guard option.arguments.count >= 2 else {
            shape.missingArgument(option, usage: usage, &diagnostics)
            return nil
        }
        guard shape.atMost(2, option, usage: usage, &diagnostics) else { return nil }
        let (nameToken, valueToken) = (option.arguments[0], option.arguments[1])
        let name = nameToken.text
        let lowered = name.lowercased()
        let tokenCharacters = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
        if name.isEmpty || !name.utf8.allSatisfy(tokenCharacters.contains) {
            diagnostics.error(
                nameToken.location,
                "invalid header name \(quoted(name)); expected letters, digits and !#$%&'*+-.^_`|~ only")
        } else if lowered == "host" {
            diagnostics.error(nameToken.location, shape.message("the Host header is set with \"host NAME\", not \"header Host\""))
        } else if reservedHeaders.contains(lowered) {
            diagnostics.error(nameToken.location, shape.message("header \(quoted(name)) is set by the probe itself and cannot be changed"))
        } else if let first = existing.first(where: { $0.name.lowercased() == lowered }) {
            diagnostics.error(nameToken.location, shape.message("header \(quoted(name)) given twice; first at \(first.location)"))
        } else if valueToken.text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" || $0.value == 0x7f }) {
            diagnostics.error(valueToken.location, "invalid header value \(quoted(valueToken.text)); expected no control characters such as CR or LF")
        } else {
            return ProbeHeader(name: name, value: valueToken.text.trimmingWhitespace, location: option.name.location)
        }
        return nil
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
