import CLibUV

/// Receives DNS queries on one UDP address and port and sends the responder's answers.
///
/// Owned by the daemon on the loop thread. The listener owns its socket and reads it itself
/// when libuv's poll handle reports it readable: up to `zr_udp_batch_capacity()` datagrams per
/// `recvmmsg`, one batch per loop iteration, each answered into its own slot of a reused reply
/// area, the batch's replies sent with one `sendmmsg` before the next receive. So a query
/// costs no heap allocation, a share of two system calls and no per-datagram callback
/// (libuv's `uv_udp_t` calls back once per datagram and batches at most 20). Only replies the
/// kernel refuses for a full send buffer are copied, to wait for the socket to turn writable.
final class UDPListener {
    /// Room for the largest datagram, so nothing a client sends is cut short.
    static let slotCapacity = 65_536
    /// Slots are a cache line more than 64 KiB apart: at a power-of-two stride every
    /// datagram's header would land in the same cache set and evict the others.
    static let slotStride = slotCapacity + 64
    /// Kernel receive buffer asked for, so a burst (dnsperf -q 500) is not dropped.
    static let socketReceiveBufferSize: Int32 = 2 << 20
    /// Replies waiting for a full socket send buffer, at most: past it a reply is dropped, as
    /// the kernel drops datagrams, instead of memory growing under a flood.
    static let maxQueuedReplyBytes = 1 << 20

    let host: ListenHost
    let port: UInt16
    /// Swapped on reload; the next datagram is answered by the new configuration.
    var responder: QueryResponder
    /// Told of each answered or dropped query (metrics, query log).
    var observer: QueryObserver?

    private let fd: Int32
    private let poll: UnsafeMutablePointer<uv_poll_t>
    private let io: UnsafeMutablePointer<zr_udp_io>
    private let receiveSlots: UnsafeMutableRawPointer
    /// Reply slot j belongs to the batch's j-th reply.
    private let replySlots: UnsafeMutableRawPointer
    /// What each datagram of the batch came to, and from whom: observed once the batch's
    /// replies are sent, so that every query is timed from receipt to send with two clock
    /// reads per batch. A nil client is a family this listener does not answer.
    private let outcomes: UnsafeMutablePointer<QueryOutcome>
    private let clients: UnsafeMutablePointer<ClientAddress?>
    private var waiting: [WaitingReply] = []
    private var waitingBytes = 0
    private var closed = false

    init(loop: EventLoop, host: ListenHost, port: UInt16, responder: QueryResponder) throws(LoopError) {
        self.host = host
        self.port = port
        self.responder = responder
        let family = host.isIPv6 ? AF_INET6 : AF_INET
        // IPv6 sockets are IPv6-only so that a wildcard block can hold 0.0.0.0 and :: on one port.
        let fd = zr_udp_socket(family, 1, UDPListener.socketReceiveBufferSize)
        try uvCheck(fd, "udp \(host) port \(port)")
        do {
            try SocketAddress.withSockaddr(SocketAddress.storage(host: host, port: port)) { (address) throws(LoopError) in
                try uvCheck(zr_bind(fd, address), "bind udp \(host) port \(port)")
            }
        } catch {
            _ = zr_close(fd)
            throw error
        }
        self.fd = fd
        let slotsSize = Int(zr_udp_batch_capacity()) * UDPListener.slotStride
        receiveSlots = .allocate(byteCount: slotsSize, alignment: 64)
        replySlots = .allocate(byteCount: slotsSize, alignment: 64)
        io = .allocate(capacity: 1)
        outcomes = .allocate(capacity: Int(zr_udp_batch_capacity()))
        outcomes.initialize(repeating: QueryOutcome(), count: Int(zr_udp_batch_capacity()))
        clients = .allocate(capacity: Int(zr_udp_batch_capacity()))
        clients.initialize(repeating: nil, count: Int(zr_udp_batch_capacity()))
        zr_udp_io_init(io, fd, receiveSlots.assumingMemoryBound(to: CChar.self), UDPListener.slotStride,
                       UDPListener.slotCapacity)
        poll = .allocate(capacity: 1)
        let rc = uv_poll_init(loop.raw, poll, fd)
        if rc < 0 {
            poll.deallocate()
            _ = zr_close(fd)
            Self.free(io: io, receiveSlots: receiveSlots, replySlots: replySlots, outcomes: outcomes, clients: clients)
            throw LoopError(operation: "udp \(host) port \(port)", code: rc)
        }
        poll.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        do {
            try watch(writable: false)
        } catch {
            close()
            throw error
        }
    }

    /// Stops receiving and releases the socket at once (a reload may bind the port again next);
    /// safe to call twice. Replies still waiting for the send buffer are dropped.
    func close() {
        guard !closed else { return }
        closed = true
        // Stopping takes the descriptor out of the loop's epoll set, so it may be closed now.
        uv_poll_stop(poll)
        _ = zr_close(fd)
        let (io, receiveSlots, replySlots, outcomes, clients) = (self.io, self.receiveSlots, self.replySlots,
                                                                 self.outcomes, self.clients)
        closeHandle(poll, base: zr_poll_handle(poll)) {
            Self.free(io: io, receiveSlots: receiveSlots, replySlots: replySlots, outcomes: outcomes, clients: clients)
        }
    }

    private static func free(io: UnsafeMutablePointer<zr_udp_io>, receiveSlots: UnsafeMutableRawPointer,
                             replySlots: UnsafeMutableRawPointer, outcomes: UnsafeMutablePointer<QueryOutcome>,
                             clients: UnsafeMutablePointer<ClientAddress?>) {
        io.deallocate()
        receiveSlots.deallocate()
        replySlots.deallocate()
        outcomes.deinitialize(count: Int(zr_udp_batch_capacity())).deallocate()
        clients.deinitialize(count: Int(zr_udp_batch_capacity())).deallocate()
    }

    private func watch(writable: Bool) throws(LoopError) {
        let events = Int32(UV_READABLE.rawValue) | (writable ? Int32(UV_WRITABLE.rawValue) : 0)
        try uvCheck(uv_poll_start(poll, events, udpReady), "receive udp \(host) port \(port)")
    }

    fileprivate func ready(readable: Bool, writable: Bool) {
        if writable { sendWaiting() }
        if readable { receive() }
    }

    /// Answers one batch per readiness report, then lets the loop run its timers, probes and
    /// TCP: under a flood the socket stays readable (epoll is level-triggered here) and the
    /// next iteration reads on, so a flood cannot starve probing (docs/health-probing.md).
    private func receive() {
        let count = zr_udp_io_receive(io)
        guard count > 0 else { return }
        let received = uv_hrtime()
        // Held once for the batch rather than retained and released per datagram.
        let responder = self.responder
        for index in 0..<UInt32(count) { answer(index, responder: responder) }
        flush()
        if let observer {
            let seconds = Double(uv_hrtime() &- received) / 1e9
            for index in 0..<UInt32(count) {
                guard let client = clients[Int(index)] else { continue }
                observer.observe(query: datagram(index), outcome: outcomes[Int(index)], transport: .udp,
                                 client: client, seconds: seconds)
            }
        }
    }

    @inline(__always)
    private func datagram(_ index: UInt32) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: zr_udp_io_datagram(io, index), count: zr_udp_io_length(io, index))
    }

    @inline(__always)
    private func answer(_ index: UInt32, responder: QueryResponder) {
        let client = SocketAddress.client(zr_udp_io_sender(io, index))
        clients[Int(index)] = client
        guard let client else { return }
        let slot = replySlots + Int(io.pointee.count) * UDPListener.slotStride
        let reply = UnsafeMutableRawBufferPointer(start: slot, count: UDPListener.slotCapacity)
        responder.respond(to: datagram(index), into: reply, transport: .udp, client: client,
                          outcome: &outcomes[Int(index)])
        let length = outcomes[Int(index)].length
        if length > 0 { zr_udp_io_reply(io, index, slot, length) }
    }

    /// Sends the batch's replies. Those the kernel refused for a full send buffer are copied to
    /// wait for the socket to turn writable, while fewer than `maxQueuedReplyBytes` wait; any
    /// other failure (e.g. EPERM, unreachable) loses its one reply, as a full queue would.
    private func flush() {
        let count = io.pointee.count
        guard count > 0 else { return }
        let sent = zr_udp_io_flush(io)
        io.pointee.count = 0
        guard sent < count else { return }
        for index in sent..<count {
            var length = 0
            let bytes = UnsafeRawBufferPointer(start: zr_udp_io_reply_bytes(io, index, &length), count: length)
            guard waitingBytes + length <= UDPListener.maxQueuedReplyBytes else { break }
            waiting.append(WaitingReply(bytes: bytes, to: zr_udp_io_reply_address(io, index)))
            waitingBytes += length
        }
        if !waiting.isEmpty { try? watch(writable: true) }
    }

    private func sendWaiting() {
        var sent = 0
        for reply in waiting {
            guard reply.send(fd) else { break }
            sent += 1
            waitingBytes -= reply.bytes.count
        }
        waiting.removeFirst(sent)
        if waiting.isEmpty { try? watch(writable: false) }
    }
}

/// A reply that could not go out at once, with the address it goes to.
private struct WaitingReply {
    let bytes: [UInt8]
    var address = sockaddr_storage()

    init(bytes: UnsafeRawBufferPointer, to address: UnsafePointer<sockaddr>) {
        self.bytes = Array(bytes)
        zr_sockaddr_copy(&self.address, address)
    }

    /// False while the send buffer is still full.
    func send(_ fd: Int32) -> Bool {
        var address = address
        return bytes.withUnsafeBytes { bytes in
            zr_udp_send_to(fd, bytes.baseAddress, bytes.count, zr_sockaddr(&address)) != -EAGAIN
        }
    }
}

private func udpReady(_ handle: UnsafeMutablePointer<uv_poll_t>?, _ status: Int32, _ events: Int32) {
    // A poll error (status < 0) leaves the socket as it was: the next read reports its cause.
    guard let handle, let data = handle.pointee.data, status >= 0 else { return }
    Unmanaged<UDPListener>.fromOpaque(data)._withUnsafeGuaranteedRef { listener in
        listener.ready(readable: events & Int32(UV_READABLE.rawValue) != 0,
                       writable: events & Int32(UV_WRITABLE.rawValue) != 0)
    }
}
