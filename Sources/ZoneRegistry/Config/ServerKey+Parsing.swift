extension ServerKey {
    /// `[dns://]ZONE[:PORT]`, e.g. `.`, `example.org:1053`, `dns://.:53`. Other schemes
    /// (`tls://`, `https://`, `grpc://`) are CoreDNS transports this daemon does not serve.
    static func parse(_ token: Token, text: String, defaultPort: UInt16, _ diagnostics: inout Diagnostics) -> ServerKey? {
        var rest = Substring(text)
        if let scheme = rest.firstRange(of: "://") {
            let name = rest[..<scheme.lowerBound].lowercased()
            guard name == "dns" else {
                diagnostics.error(
                    token.location,
                    "unsupported scheme \(quoted(name + "://")) in server block key \(quoted(text)); only dns:// is served")
                return nil
            }
            rest = rest[scheme.upperBound...]
        }
        let unschemed = rest
        var port = defaultPort
        if let colon = rest.lastIndex(of: ":") {
            let portText = rest[rest.index(after: colon)...]
            guard portText.allSatisfy({ $0.isASCII && $0.isNumber }), let value = UInt16(portText), value > 0 else {
                diagnostics.error(
                    token.location,
                    "invalid port \(quoted(String(portText))) in server block key \(quoted(text)); expected 1 to 65535")
                return nil
            }
            port = value
            rest = rest[..<colon]
        }
        if rest.isEmpty {
            diagnostics.error(
                token.location,
                "missing zone in server block key \(quoted(text)); write \(quoted("." + unschemed)) for the root zone")
            return nil
        }
        let zoneToken = Token(kind: .word, text: String(rest), location: token.location, startsLine: false)
        guard let zone = ConfigValue.name(zoneToken, what: "zone", &diagnostics) else { return nil }
        return ServerKey(zone: zone, port: port)
    }
}
