/// Parsers for the values a directive takes. Each reports a bad token as
/// `invalid WHAT "token"; expected ...` (or `... is out of range`) and returns nil.
enum ConfigValue {
    static func integer(
        _ token: Token, what: String, in range: ClosedRange<Int>, _ diagnostics: inout Diagnostics
    ) -> Int? {
        guard !token.text.isEmpty, token.text.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            diagnostics.error(
                token.location,
                "invalid \(what) \(quoted(token.text)); expected an integer from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        guard let value = Int(token.text), range.contains(value) else {
            diagnostics.error(
                token.location,
                "\(what) \(quoted(token.text)) is out of range; expected \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return value
    }

    /// Milliseconds; `range` is in milliseconds too.
    static func duration(
        _ token: Token, what: String, in range: ClosedRange<Int>, _ diagnostics: inout Diagnostics
    ) -> Int? {
        let bounds = "\(GoDuration.format(milliseconds: range.lowerBound)) to \(GoDuration.format(milliseconds: range.upperBound))"
        guard let nanoseconds = GoDuration.nanoseconds(token.text) else {
            diagnostics.error(
                token.location,
                "invalid \(what) \(quoted(token.text)); expected a duration from \(bounds) such as 5s, 100ms or 1m30s")
            return nil
        }
        let milliseconds = nanoseconds / 1e6
        guard milliseconds >= Double(range.lowerBound), milliseconds <= Double(range.upperBound) else {
            diagnostics.error(token.location, "\(what) \(quoted(token.text)) is out of range; expected \(bounds)")
            return nil
        }
        // Timers run in whole milliseconds; rounding "10.5ms" silently would change what was asked.
        guard abs(milliseconds - milliseconds.rounded()) < 1e-6 else {
            diagnostics.error(
                token.location, "invalid \(what) \(quoted(token.text)); expected a whole number of milliseconds")
            return nil
        }
        return Int(milliseconds.rounded())
    }

    /// A zone or host name: letters, digits, `-` and `_` in dot-separated labels, or `.`.
    /// Stricter than DNS itself so that `peer a.example.net{` (a missing space) is caught.
    static func name(_ token: Token, what: String, _ diagnostics: inout Diagnostics) -> DomainName? {
        // Bytes, not Characters: Unicode letter and digit properties per character made this
        // check the costliest step of reading a 1,000-peer Corefile.
        let allowed = { (b: UInt8) in
            (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7a) || b == 0x2d || b == 0x5f || b == 0x2e
        }
        do {
            if let bad = token.text.utf8.firstIndex(where: { !allowed($0) }) {
                // Every byte before it is ASCII, so it starts the offending character.
                throw DomainName.ParseError.invalidCharacter(token.text[bad])
            }
            if token.text.isEmpty { throw DomainName.ParseError.emptyLabel }
            return try DomainName(parsing: token.text)
        } catch {
            diagnostics.error(token.location, "invalid \(what) \(quoted(token.text)): \(error)")
            return nil
        }
    }

    static func ipv4(_ token: Token, _ diagnostics: inout Diagnostics) -> IPv4Address? {
        if let address = IPv4Address(token.text) { return address }
        diagnostics.error(token.location, "invalid IPv4 address \(quoted(token.text))")
        return nil
    }

    static func ipv6(_ token: Token, _ diagnostics: inout Diagnostics) -> IPv6Address? {
        if let address = IPv6Address(token.text) { return address }
        diagnostics.error(token.location, "invalid IPv6 address \(quoted(token.text))")
        return nil
    }

    /// An IPv4 or IPv6 literal (`bind`, `ns`).
    static func ip(_ token: Token, _ diagnostics: inout Diagnostics) -> ListenHost? {
        if let v4 = IPv4Address(token.text) { return .v4(v4) }
        if let v6 = IPv6Address(token.text) { return .v6(v6) }
        diagnostics.error(token.location, "invalid IP address \(quoted(token.text))")
        return nil
    }

    /// One of a fixed set of words, case-insensitively: `role primary`, `mode address`.
    static func keyword<Value: RawRepresentable & CaseIterable>(
        _ token: Token, what: String, as type: Value.Type, _ diagnostics: inout Diagnostics
    ) -> Value? where Value.RawValue == String {
        if let value = Value(rawValue: token.text.lowercased()) { return value }
        diagnostics.error(
            token.location,
            "invalid \(what) \(quoted(token.text)); expected \(alternatives(Value.allCases.map(\.rawValue)))")
        return nil
    }

    static func onOff(_ token: Token, what: String, _ diagnostics: inout Diagnostics) -> Bool? {
        switch token.text.lowercased() {
        case "on": return true
        case "off": return false
        default:
            diagnostics.error(token.location, "invalid \(what) \(quoted(token.text)); expected on or off")
            return nil
        }
    }

    /// `KEY=VALUE`; the key is non-empty and ends at the first `=`, the value may be empty
    /// (Kubernetes label values may be).
    static func label(_ token: Token, _ diagnostics: inout Diagnostics) -> PeerConfig.Label? {
        guard let equals = token.text.firstIndex(of: "="), equals != token.text.startIndex else {
            diagnostics.error(token.location, "invalid label \(quoted(token.text)); expected KEY=VALUE")
            return nil
        }
        return PeerConfig.Label(
            key: String(token.text[..<equals]), value: String(token.text[token.text.index(after: equals)...]))
    }

    /// One label per token, each key at most once.
    static func labels(_ tokens: [Token], _ diagnostics: inout Diagnostics) -> [PeerConfig.Label]? {
        var labels: [PeerConfig.Label] = []
        var valid = true
        for token in tokens {
            guard let label = label(token, &diagnostics) else { valid = false; continue }
            if labels.contains(where: { $0.key == label.key }) {
                diagnostics.error(token.location, "label key \(quoted(label.key)) given twice")
                valid = false
            }
            labels.append(label)
        }
        return valid ? labels : nil
    }

    /// "a, b or c".
    static func alternatives(_ words: [String]) -> String {
        guard words.count > 1 else { return words.joined() }
        return words.dropLast().joined(separator: ", ") + " or " + words[words.count - 1]
    }
}
