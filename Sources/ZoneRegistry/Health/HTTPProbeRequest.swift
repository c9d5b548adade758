/// The request an `http`/`https` probe sends (SPEC §5). `Connection: close` asks the peer to
/// close first after its response (RFC 9112 §9.6), so the probe's own close follows the
/// peer's and leaves no TIME_WAIT socket on the registry (SPEC §12).
enum HTTPProbeRequest {
    /// `GET PATH HTTP/1.1` with `Host` = the peer host without the trailing dot (RFC 9110
    /// §7.2 takes a host name, not an absolute DNS name). The path is sent as configured, so
    /// the Corefile parser must refuse a path with spaces or control characters.
    static func bytes(path: String, host: DomainName, version: String) -> [UInt8] {
        let text = "GET \(path) HTTP/1.1\r\n"
            + "Host: \(hostHeader(host))\r\n"
            + "Connection: close\r\n"
            + "User-Agent: zoneregistry/\(version)\r\n"
            + "\r\n"
        return Array(text.utf8)
    }

    static func hostHeader(_ host: DomainName) -> String {
        let name = host.description
        return name.count > 1 && name.hasSuffix(".") ? String(name.dropLast()) : name
    }
}
