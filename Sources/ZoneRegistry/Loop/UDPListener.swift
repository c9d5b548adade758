import CLibUV

/// Receives DNS queries on one UDP address and port and sends the responder's answers.
///
/// Owned by the daemon on the loop thread. Receives in batches with `recvmmsg`
/// (`UV_UDP_RECVMMSG`) into one large buffer owned here, answers each datagram into its own
/// slot of a reused reply area and sends the batch's replies with one `sendmmsg` when libuv
/// reports the batch done, so a query costs no heap allocation and a share of two system
/// calls. Only when the socket's send buffer is full does a reply get copied for `uv_udp_send`.
final class UDPListener {
    /// libuv 1.44 sizes a recvmmsg batch as buffer length / 64 KiB (at most 20): a buffer under
    /// 64 KiB made it spin without receiving (MACHINE-NOTES), so give it room for 20 slots.
    static let receiveBufferSize = 20 * 65_536
    /// Kernel receive buffer asked for, so a burst (dnsperf -q 500) is not dropped.
    static let socketReceiveBufferSize: Int32 = 2 << 20
    /// A reply slot holds the largest DNS message, whatever limit the responder applies.
    static let replySlotSize = 65_536
    /// Replies waiting in libuv for a full socket send buffer, at most: past it a reply is
    /// dropped, as the kernel drops datagrams, instead of memory growing under a flood.
    static let maxQueuedReplyBytes = 1 << 20

    let host: ListenHost
    let port: UInt16
    /// Swapped on reload; the next datagram is answered by the new configuration.
    var responder: QueryResponder
    /// Told of each answered or dropped query (metrics, query log).
    var observer: QueryObserver?

    private let handle: UnsafeMutablePointer<uv_udp_t>
    private let receiveBuffer: UnsafeMutableRawPointer
    /// `zr_udp_batch_capacity()` reply slots; slot i belongs to the batch's i-th reply.
    private let replySlots: UnsafeMutableRawPointer
    private let batch: UnsafeMutablePointer<zr_udp_batch>
    private var closed = false
    /// When the query now being answered started: the end of the previous one in the same
    /// receive batch, so that timing a query costs one clock read, not two.
    private var clock: UInt64 = 0

    init(loop: EventLoop, host: ListenHost, port: UInt16, responder: QueryResponder) throws(LoopError) {
        self.host = host
        self.port = port
        self.responder = responder
        handle = .allocate(capacity: 1)
        receiveBuffer = .allocate(byteCount: UDPListener.receiveBufferSize, alignment: 16)
        replySlots = .allocate(byteCount: Int(zr_udp_batch_capacity()) * UDPListener.replySlotSize, alignment: 16)
        batch = .allocate(capacity: 1)
        batch.pointee.count = 0
        batch.pointee.fd = -1
        let family = host.isIPv6 ? AF_INET6 : AF_INET
        let rc = uv_udp_init_ex(loop.raw, handle, UInt32(family) | UInt32(UV_UDP_RECVMMSG.rawValue))
        if rc < 0 {
            handle.deallocate()
            replySlots.deallocate()
            batch.deallocate()
            throw LoopError(operation: "udp \(host) port \(port)", code: rc)
        }
        handle.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        do {
            let flags = host.isIPv6 ? UInt32(UV_UDP_IPV6ONLY.rawValue) : 0
            try SocketAddress.withSockaddr(SocketAddress.storage(host: host, port: port)) { (address) throws(LoopError) in
                try uvCheck(uv_udp_bind(handle, address, flags), "bind udp \(host) port \(port)")
            }
            var fd: uv_os_fd_t = -1
            try uvCheck(uv_fileno(zr_udp_handle(handle), &fd), "udp \(host) port \(port) descriptor")
            batch.pointee.fd = fd
            // SO_RCVBUFFORCE (root) passes net.core.rmem_max; otherwise the kernel caps SO_RCVBUF.
            if zr_force_receive_buffer(fd, UDPListener.socketReceiveBufferSize) != 0 {
                var size = UDPListener.socketReceiveBufferSize
                _ = uv_recv_buffer_size(zr_udp_handle(handle), &size)
            }
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
        flush()
        let receiveBuffer = self.receiveBuffer
        let replySlots = self.replySlots
        let batch = self.batch
        closeHandle(handle, base: zr_udp_handle(handle)) {
            receiveBuffer.deallocate()
            replySlots.deallocate()
            batch.deallocate()
        }
    }

    fileprivate func provideBuffer(_ buffer: UnsafeMutablePointer<uv_buf_t>) {
        buffer.pointee = uv_buf_init(receiveBuffer.assumingMemoryBound(to: CChar.self), UInt32(UDPListener.receiveBufferSize))
    }

    @inline(__always)
    fileprivate func answer(_ bytes: UnsafeRawBufferPointer, from address: UnsafePointer<sockaddr>) {
        guard let client = SocketAddress.client(address) else { return }
        let started = clock
        let slot = replySlots + Int(batch.pointee.count) * UDPListener.replySlotSize
        let reply = UnsafeMutableRawBufferPointer(start: slot, count: UDPListener.replySlotSize)
        let outcome = responder.respond(to: bytes, into: reply, transport: .udp, client: client)
        if outcome.length > 0 {
            zr_udp_batch_add(batch, slot, outcome.length, address)
            if batch.pointee.count == zr_udp_batch_capacity() { flush() }
        }
        clock = uv_hrtime()
        observer?.observe(query: bytes, outcome: outcome, transport: .udp, client: client,
                          seconds: Double(clock &- started) / 1e9)
    }

    /// A receive batch begins: its first query's time starts now.
    fileprivate func startClock() { clock = uv_hrtime() }

    /// Sends the replies gathered since the last flush. Replies the kernel refused for a full
    /// send buffer are copied into `uv_udp_send` requests while fewer than
    /// `maxQueuedReplyBytes` wait; any other failure (e.g. EPERM, unreachable) loses its one
    /// reply, as a full queue would.
    fileprivate func flush() {
        let count = batch.pointee.count
        guard count > 0 else { return }
        let sent = zr_udp_batch_flush(batch)
        var index = sent
        while index < count && uv_udp_get_send_queue_size(handle) < UDPListener.maxQueuedReplyBytes {
            withUnsafeMutablePointer(to: &batch.pointee.msgs) { msgs in
                msgs.withMemoryRebound(to: zr_mmsghdr.self, capacity: Int(count)) { msgs in
                    let header = msgs[Int(index)].msg_hdr
                    let iov = header.msg_iov.pointee
                    UDPSendRequest.send(handle: handle, bytes: UnsafeRawBufferPointer(start: iov.iov_base, count: iov.iov_len),
                                        to: header.msg_name.assumingMemoryBound(to: sockaddr.self))
                }
            }
            index += 1
        }
        batch.pointee.count = 0
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
    Unmanaged<UDPListener>.fromOpaque(data)._withUnsafeGuaranteedRef { listener in
        listener.provideBuffer(buffer)
        listener.startClock()
    }
}

private func udpReceived(
    _ handle: UnsafeMutablePointer<uv_udp_t>?, _ count: Int, _ buffer: UnsafePointer<uv_buf_t>?,
    _ address: UnsafePointer<sockaddr>?, _ flags: UInt32
) {
    // count == 0 without an address means "nothing more to read", and the final
    // UV_UDP_MMSG_FREE callback ends a recvmmsg batch (the listener owns the buffer): both send
    // what the batch answered. A datagram without UV_UDP_MMSG_CHUNK came alone (no recvmmsg).
    guard let handle, let data = handle.pointee.data else { return }
    Unmanaged<UDPListener>.fromOpaque(data)._withUnsafeGuaranteedRef { listener in
        if count > 0, let buffer, let address {
            listener.answer(UnsafeRawBufferPointer(start: buffer.pointee.base, count: count), from: address)
            if flags & UInt32(UV_UDP_MMSG_CHUNK.rawValue) == 0 { listener.flush() }
        } else {
            listener.flush()
        }
    }
}
