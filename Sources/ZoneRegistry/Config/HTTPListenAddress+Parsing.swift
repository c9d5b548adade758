extension HTTPListenAddress {
    /// CoreDNS's forms for `health`, `ready` and `prometheus`: `:PORT` (every interface),
    /// `IPv4:PORT`, `[IPv6]:PORT`, and `localhost:PORT` (127.0.0.1). Other host names are
    /// refused: a listener is bound before any resolver could be trusted.
    init?(parsing text: String) {
        guard let colon = text.lastIndex(of: ":"),
              let port = UInt16(text[text.index(after: colon)...]), port > 0,
              text[text.index(after: colon)...].allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let host = text[..<colon]
        if host.isEmpty {
            self.init(host: nil, port: port)
        } else if host.lowercased() == "localhost" {
            self.init(host: .v4(IPv4Address(value: 0x7f00_0001)), port: port)
        } else if let v4 = IPv4Address(host) {
            self.init(host: .v4(v4), port: port)
        } else if host.hasPrefix("["), host.hasSuffix("]"), let v6 = IPv6Address(host.dropFirst().dropLast()) {
            self.init(host: .v6(v6), port: port)
        } else {
            return nil
        }
    }
}

extension ConfigValue {
    static func httpAddress(_ token: Token, _ diagnostics: inout Diagnostics) -> HTTPListenAddress? {
        if let address = HTTPListenAddress(parsing: token.text) { return address }
        diagnostics.error(
            token.location,
            "invalid listen address \(quoted(token.text)); expected :PORT, IPv4:PORT, [IPv6]:PORT or localhost:PORT")
        return nil
    }
}
