import CLibUV

/// Receives DNS queries on one UDP address and port and sends the responder's answers.
///
/// Owned by the daemon on the loop thread. Receives in batches with `recvmmsg`
/// (`UV_UDP_RECVMMSG`) into one large buffer owned here, answers each datagram into a reused
/// response buffer and sends it with `uv_udp_try_send`, so a query costs no heap allocation.
/// Only when the socket's send buffer is full does a reply get copied for `uv_udp_send`.
final class UDPListener {
    /// libuv 1.44 sizes a recvmmsg batch as buffer length / 64 KiB (at most 20): a buffer under
    /// 64 KiB made it spin without receiving (MACHINE-NOTES), so give it room for 20 slots.
    static let receiveBufferSize = 20 * 65_536
    /// Kernel receive buffer asked for, so a burst (dnsperf -q 500) is not dropped.
    static let socketReceiveBufferSize: Int32 = 2 << 20

    let host: ListenHost
    let port: UInt16
    /// Swapped on reload; the next datagram is answered by the new configuration.
    var responder: QueryResponder
    /// Told of each answered or dropped query (metrics, query log).
    var observer: QueryObserver?

    private let handle: UnsafeMutablePointer<uv_udp_t>
    private let receiveBuffer: UnsafeMutableRawPointer
    private let responseBuffer: UnsafeMutableRawBufferPointer
    private var closed = false

    init(loop: EventLoop, host: ListenHost, port: UInt16, responder: QueryResponder) throws(LoopError) {
        self.host = host
        self.port = port
        self.responder = responder
        handle = .allocate(capacity: 1)
        receiveBuffer = .allocate(byteCount: UDPListener.receiveBufferSize, alignment: 16)
        responseBuffer = .allocate(byteCount: 65_535, alignment: 16)
        let family = host.isIPv6 ? AF_INET6 : AF_INET
        let rc = uv_udp_init_ex(loop.raw, handle, UInt32(family) | UInt32(UV_UDP_RECVMMSG.rawValue))
        if rc < 0 {
            handle.deallocate()
            throw LoopError(operation: "udp \(host) port \(port)", code: rc)
        }
        handle.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        do {
            let flags = host.isIPv6 ? UInt32(UV_UDP_IPV6ONLY.rawValue) : 0
            try SocketAddress.withSockaddr(SocketAddress.storage(host: host, port: port)) { (address) throws(LoopError) in
                try uvCheck(uv_udp_bind(handle, address, flags), "bind udp \(host) port \(port)")
            }
            var size = UDPListener.socketReceiveBufferSize
            _ = uv_recv_buffer_size(zr_udp_handle(handle), &size)
            try uvCheck(uv_udp_recv_start(handle, udpAllocate, udpReceived), "receive udp \(host) port \(port)")
        } catch {
            close()
            throw error
        }
    }

    /// Stops receiving and releases the socket; safe to call twice.
    func close() {
        guard !closed else { return }
        closed = true
        // Stop first: callbacks still queued in this recvmmsg batch must not reach a closing handle.
        uv_udp_recv_stop(handle)
        let receiveBuffer = self.receiveBuffer
        let responseBuffer = self.responseBuffer
        closeHandle(handle, base: zr_udp_handle(handle)) {
            receiveBuffer.deallocate()
            responseBuffer.deallocate()
        }
    }

    fileprivate func provideBuffer(_ buffer: UnsafeMutablePointer<uv_buf_t>) {
        buffer.pointee = uv_buf_init(receiveBuffer.assumingMemoryBound(to: CChar.self), UInt32(UDPListener.receiveBufferSize))
    }

    @inline(__always)
    fileprivate func answer(_ bytes: UnsafeRawBufferPointer, from address: UnsafePointer<sockaddr>) {
        guard let client = SocketAddress.client(address) else { return }
        let started = uv_hrtime()
        let outcome = responder.respond(to: bytes, into: responseBuffer, transport: .udp, client: client)
        if outcome.length > 0 {
            send(length: outcome.length, to: address)
        }
        observer?.observe(query: bytes, outcome: outcome, transport: .udp, client: client,
                          seconds: Double(uv_hrtime() &- started) / 1e9)
    }

    private func send(length: Int, to address: UnsafePointer<sockaddr>) {
        let base = responseBuffer.baseAddress!.assumingMemoryBound(to: CChar.self)
        var buffer = uv_buf_init(base, UInt32(length))
        let sent = uv_udp_try_send(handle, &buffer, 1, address)
        if sent == UV_EAGAIN.rawValue || sent == UV_ENOBUFS.rawValue {
            UDPSendRequest.send(handle: handle, bytes: UnsafeRawBufferPointer(start: base, count: length), to: address)
        }
        // Any other failure (e.g. EPERM, unreachable) loses this one reply, as a full queue would.
    }
}

/// A reply that could not go out at once: request and bytes in one allocation, freed when
/// libuv reports the send done.
private enum UDPSendRequest {
    static func send(handle: UnsafeMutablePointer<uv_udp_t>, bytes: UnsafeRawBufferPointer, to address: UnsafePointer<sockaddr>) {
        let headerSize = MemoryLayout<uv_udp_send_t>.stride
        let memory = UnsafeMutableRawPointer.allocate(byteCount: headerSize + bytes.count, alignment: 16)
        let request = memory.bindMemory(to: uv_udp_send_t.self, capacity: 1)
        let payload = memory + headerSize
        payload.copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        var buffer = uv_buf_init(payload.assumingMemoryBound(to: CChar.self), UInt32(bytes.count))
        // libuv copies the buffer descriptors and the address into the request.
        if uv_udp_send(request, handle, &buffer, 1, address, udpSent) < 0 {
            memory.deallocate()
        }
    }
}

private func udpSent(_ request: UnsafeMutablePointer<uv_udp_send_t>?, _ status: Int32) {
    UnsafeMutableRawPointer(request)?.deallocate()
}

private func udpAllocate(_ handle: UnsafeMutablePointer<uv_handle_t>?, _ suggested: Int, _ buffer: UnsafeMutablePointer<uv_buf_t>?) {
    guard let data = handle?.pointee.data, let buffer else { return }
    Unmanaged<UDPListener>.fromOpaque(data)._withUnsafeGuaranteedRef { $0.provideBuffer(buffer) }
}

private func udpReceived(
    _ handle: UnsafeMutablePointer<uv_udp_t>?, _ count: Int, _ buffer: UnsafePointer<uv_buf_t>?,
    _ address: UnsafePointer<sockaddr>?, _ flags: UInt32
) {
    // count == 0 without an address means "nothing more to read"; the final
    // UV_UDP_MMSG_FREE callback needs nothing since the listener owns the buffer.
    guard count > 0, let handle, let buffer, let address, let data = handle.pointee.data else { return }
    let bytes = UnsafeRawBufferPointer(start: buffer.pointee.base, count: count)
    Unmanaged<UDPListener>.fromOpaque(data)._withUnsafeGuaranteedRef { $0.answer(bytes, from: address) }
}
