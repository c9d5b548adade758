import CLibUV

/// An outgoing UDP socket for the low-rate exchanges the daemon starts itself (NOTIFY,
/// RFC 1996): send a datagram to an address, receive the replies. Not for serving queries,
/// which `UDPListener` reads in batches.
///
/// Loop-owned. `close()` when done; the memory is freed in the close callback.
final class UDPSocket {
    typealias Receive = (_ bytes: [UInt8], _ from: ClientAddress) -> Void

    private let handle: UnsafeMutablePointer<uv_udp_t>
    private let readBuffer: UnsafeMutableRawPointer
    private static let readBufferSize = 65_536
    private var onReceive: Receive?
    private var closed = false

    /// Binds to `source` (port chosen by the kernel) so that a secondary's ACL sees the
    /// registry's own address; nil lets the kernel pick per destination.
    init(loop: EventLoop, source: ListenHost?, family ipv6: Bool, onReceive: @escaping Receive) throws(LoopError) {
        handle = .allocate(capacity: 1)
        readBuffer = .allocate(byteCount: UDPSocket.readBufferSize, alignment: 16)
        self.onReceive = onReceive
        let rc = uv_udp_init(loop.raw, handle)
        if rc < 0 {
            handle.deallocate()
            readBuffer.deallocate()
            throw LoopError(operation: "udp socket", code: rc)
        }
        handle.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        do {
            let local = source ?? (ipv6 ? .v6(IPv6Address(high: 0, low: 0)) : .v4(IPv4Address(value: 0)))
            try SocketAddress.withSockaddr(SocketAddress.storage(host: local, port: 0)) { (address) throws(LoopError) in
                try uvCheck(uv_udp_bind(handle, address, 0), "bind udp \(local)")
            }
            try uvCheck(uv_udp_recv_start(handle, udpSocketAllocate, udpSocketReceived), "udp receive")
        } catch {
            close()
            throw error
        }
    }

    /// Sends one datagram; a full socket buffer or an unreachable address is an error the
    /// caller treats like a lost datagram (it retries).
    func send(_ bytes: [UInt8], to host: ListenHost, port: UInt16) throws(LoopError) {
        guard !closed else { throw LoopError(operation: "send udp \(host) port \(port)", code: UV_EBADF.rawValue) }
        let sent = SocketAddress.withSockaddrValue(SocketAddress.storage(host: host, port: port)) { address in
            bytes.withUnsafeBytes { raw in
                var buffer = uv_buf_init(UnsafeMutablePointer(mutating: raw.baseAddress!.assumingMemoryBound(to: CChar.self)),
                                         UInt32(raw.count))
                return uv_udp_try_send(handle, &buffer, 1, address)
            }
        }
        try uvCheck(sent, "send udp \(host) port \(port)")
    }

    func close() {
        onReceive = nil
        guard !closed else { return }
        closed = true
        let readBuffer = self.readBuffer
        closeHandle(handle, base: UnsafeMutablePointer<uv_handle_t>(OpaquePointer(handle))) { readBuffer.deallocate() }
    }

    fileprivate func provideBuffer(_ out: UnsafeMutablePointer<uv_buf_t>) {
        out.pointee = uv_buf_init(readBuffer.assumingMemoryBound(to: CChar.self), UInt32(UDPSocket.readBufferSize))
    }

    fileprivate func received(_ count: Int, from address: UnsafePointer<sockaddr>?) {
        guard !closed, count > 0, let address, let sender = SocketAddress.client(address) else { return }
        onReceive?(Array(UnsafeRawBufferPointer(start: readBuffer, count: count)), sender)
    }
}

private func udpSocketAllocate(_ handle: UnsafeMutablePointer<uv_handle_t>?, _ suggested: Int, _ out: UnsafeMutablePointer<uv_buf_t>?) {
    guard let data = handle?.pointee.data, let out else { return }
    Unmanaged<UDPSocket>.fromOpaque(data)._withUnsafeGuaranteedRef { $0.provideBuffer(out) }
}

private func udpSocketReceived(_ handle: UnsafeMutablePointer<uv_udp_t>?, _ count: Int, _ buffer: UnsafePointer<uv_buf_t>?,
                               _ address: UnsafePointer<sockaddr>?, _ flags: UInt32) {
    guard let data = handle?.pointee.data else { return }
    Unmanaged<UDPSocket>.fromOpaque(data)._withUnsafeGuaranteedRef { $0.received(count, from: address) }
}
