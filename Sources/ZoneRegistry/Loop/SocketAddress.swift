import CLibUV

/// Conversions between `sockaddr` and the Swift address values the rest of the daemon uses.
enum SocketAddress {
    /// The client's address as a Swift value; nil for families we do not serve.
    @inline(__always)
    static func client(_ address: UnsafePointer<sockaddr>) -> ClientAddress? {
        switch Int32(zr_sockaddr_family(address)) {
        case AF_INET:
            return .v4(IPv4Address(value: zr_sockaddr_in_addr(address)), port: zr_sockaddr_port(address))
        case AF_INET6:
            var high: UInt64 = 0
            var low: UInt64 = 0
            zr_sockaddr_in6_addr(address, &high, &low)
            return .v6(IPv6Address(high: high, low: low), port: zr_sockaddr_port(address))
        default:
            return nil
        }
    }

    static func storage(host: ListenHost, port: UInt16) -> sockaddr_storage {
        var storage = sockaddr_storage()
        switch host {
        case .v4(let address): zr_make_sockaddr_in(&storage, address.value, port)
        case .v6(let address): zr_make_sockaddr_in6(&storage, address.high, address.low, port)
        }
        return storage
    }

    /// Runs `body` with `storage` viewed as the `sockaddr` libuv expects.
    static func withSockaddr<R>(_ storage: sockaddr_storage, _ body: (UnsafePointer<sockaddr>) throws(LoopError) -> R) throws(LoopError) -> R {
        var copy = storage
        return try withUnsafePointer(to: &copy) { (pointer) throws(LoopError) -> R in
            try body(zr_sockaddr(pointer))
        }
    }
}

/// Binds a TCP handle to `host`:`port` and starts listening. IPv6 sockets are IPv6-only so
/// that a wildcard block can hold both 0.0.0.0 and :: on one port.
func bindAndListen(_ handle: UnsafeMutablePointer<uv_tcp_t>, host: ListenHost, port: UInt16, backlog: Int32,
                   _ connected: uv_connection_cb) throws(LoopError) {
    let flags = host.isIPv6 ? UInt32(UV_TCP_IPV6ONLY.rawValue) : 0
    try SocketAddress.withSockaddr(SocketAddress.storage(host: host, port: port)) { (address) throws(LoopError) in
        try uvCheck(uv_tcp_bind(handle, address, flags), "bind tcp \(host) port \(port)")
    }
    try uvCheck(uv_listen(zr_tcp_stream(handle), backlog, connected), "listen tcp \(host) port \(port)")
}

extension ListenHost {
    /// The wildcard addresses used when a server block has no `bind`: 0.0.0.0 and ::.
    static let wildcards: [ListenHost] = [.v4(IPv4Address(value: 0)), .v6(IPv6Address(high: 0, low: 0))]

    var isIPv6: Bool {
        if case .v6 = self { return true }
        return false
    }
}
