/// The request an `http`/`https` probe sends (SPEC §5). `Connection: close` asks the peer to
/// close first after its response (RFC 9112 §9.6), so the probe's own close follows the
/// peer's and leaves no TIME_WAIT socket on the registry (SPEC §12).
enum HTTPProbeRequest {
    /// `GET PATH HTTP/1.1` with `Host` = the peer host without the trailing dot (RFC 9110
    /// §7.2 takes a host name, not an absolute DNS name). The path is sent as configured, so
    /// the Corefile parser must refuse a path with spaces or control characters.
    /// `headers` (`header NAME VALUE`) follow the probe's own, and a `User-Agent` among them
    /// replaces the default one; the parser has refused `Host`, `Connection` and the framing
    /// headers, and CR/LF in values.
    static func bytes(path: String, host: DomainName, version: String, headers: [ProbeHeader] = []) -> [UInt8] {
        let ownAgent = headers.contains { $0.name.lowercased() == "user-agent" }
        var text = "GET \(path) HTTP/1.1\r\n"
            + "Host: \(hostHeader(host))\r\n"
            + "Connection: close\r\n"
        if !ownAgent { text += "User-Agent: zoneregistry/\(version)\r\n" }
        for header in headers { text += "\(header.name): \(header.value)\r\n" }
        return Array((text + "\r\n").utf8)
    }

    static func hostHeader(_ host: DomainName) -> String {
        let name = host.description
        return name.count > 1 && name.hasSuffix(".") ? String(name.dropLast()) : name
    }
}
