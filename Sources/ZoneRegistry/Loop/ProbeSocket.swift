import CLibUV

/// The local side of an outgoing probe socket (SPEC §12 `probe_source`): whether this machine
/// can send from an address, and opening a TCP handle bound to one before it connects.
enum LocalAddress {
    /// Nil when a TCP socket binds to `host` (any port); the error otherwise, e.g.
    /// `EADDRNOTAVAIL` for an address this machine does not have. Every address of
    /// 127.0.0.0/8 binds on Linux: the whole block is routed to `lo`.
    static func bindFailure(_ host: ListenHost) -> LoopError? {
        var storage = SocketAddress.storage(host: host, port: 0)
        let rc = withUnsafePointer(to: &storage) { zr_tcp_bind_check(zr_sockaddr($0)) }
        return rc < 0 ? LoopError(operation: "bind \(host)", code: rc) : nil
    }

    /// `uv_tcp_init`, and with a `source` the socket is created now and bound to it (port 0:
    /// the kernel picks one at connect). On a throw the handle was never initialised, or was
    /// initialised and must still be closed: `initialised` says which.
    static func openTCP(_ handle: UnsafeMutablePointer<uv_tcp_t>, loop: EventLoop, source: ListenHost?,
                        initialised: inout Bool) throws(LoopError) {
        guard let source else {
            try uvCheck(uv_tcp_init(loop.raw, handle), "tcp socket")
            initialised = true
            return
        }
        let family = source.isIPv6 ? AF_INET6 : AF_INET
        try uvCheck(uv_tcp_init_ex(loop.raw, handle, UInt32(family)), "tcp socket")
        initialised = true
        var fd: uv_os_fd_t = -1
        if uv_fileno(zr_tcp_handle(handle), &fd) == 0 { zr_bind_address_no_port(fd) }
        try SocketAddress.withSockaddr(SocketAddress.storage(host: source, port: 0)) { (address) throws(LoopError) in
            try uvCheck(uv_tcp_bind(handle, address, 0), "bind \(source)")
        }
    }
}
