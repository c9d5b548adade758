import CLibUV

/// One outgoing DNS query on the loop: the quorum exchange asks fellow masters with it, and
/// NOTIFY (RFC 1996) can use it too.
///
/// ```swift
/// var query = ...                                  // a whole message; sign it first if needed
/// let client = DNSQueryClient.send(query, loop: loop, to: .v4(server), port: 53,
///                                  options: .init(source: probeSource, timeoutMilliseconds: 1000)) { result in
///     switch result {
///     case .response(let bytes): ...               // ID, QR, opcode and question checked
///     case .failed(let failure): ...               // .timedOut, .network(e), .tooLarge, .malformed(why)
///     }
/// }
/// client.cancel()                                  // optional: no completion after it
/// ```
///
/// Over UDP first (RFC 1035 §4.2.1) from `source` (port chosen by the kernel), on a connected
/// socket so only the server's datagrams arrive; a datagram whose ID or question does not match
/// is ignored (RFC 5452 §9.1) and the client keeps waiting. A response with TC=1 is asked again
/// over TCP (RFC 7766 §5) with 2-byte framing. `timeoutMilliseconds` bounds the whole exchange,
/// both transports included; responses longer than `maxResponseSize` fail as `.tooLarge` without
/// being read further. The completion runs exactly once, on the loop, unless cancelled first.
///
/// Loop-owned; it keeps itself alive until it completes or is cancelled, so a caller may drop it.
final class DNSQueryClient {
    struct Options {
        var source: ListenHost?
        var timeoutMilliseconds: Int
        var maxResponseSize = WireLimit.maxMessage
        /// Skip UDP (zone transfers; answers known to be large).
        var tcpOnly = false
    }

    enum Failure: Error, Equatable, CustomStringConvertible {
        case timedOut
        case network(LoopError)
        case tooLarge(Int)
        case malformed(String)

        var description: String {
            switch self {
            case .timedOut: return "timed out"
            case .network(let error): return error.description
            case .tooLarge(let size): return "response of \(size) bytes is over the limit"
            case .malformed(let why): return "malformed response: \(why)"
            }
        }
    }

    enum Result {
        case response([UInt8])
        case failed(Failure)
    }

    private let loop: EventLoop
    private let query: [UInt8]
    private let server: ListenHost
    private let port: UInt16
    private let options: Options
    private var completion: ((Result) -> Void)?
    private let timer: LoopTimer
    private var udp: UnsafeMutablePointer<uv_udp_t>?
    private var udpBuffer: UnsafeMutableRawPointer?
    private var tcp: TCPStream?
    private var tcpBytes: [UInt8] = []

    private init(query: [UInt8], loop: EventLoop, server: ListenHost, port: UInt16, options: Options,
                 completion: @escaping (Result) -> Void) {
        self.loop = loop
        self.query = query
        self.server = server
        self.port = port
        self.options = options
        self.completion = completion
        timer = LoopTimer(loop: loop)
    }

    @discardableResult
    static func send(_ query: [UInt8], loop: EventLoop, to server: ListenHost, port: UInt16, options: Options,
                     completion: @escaping (Result) -> Void) -> DNSQueryClient {
        let client = DNSQueryClient(query: query, loop: loop, server: server, port: port, options: options,
                                    completion: completion)
        // The timer's action holds the client until `finish` clears it: the in-flight retain.
        client.timer.start(after: UInt64(max(1, options.timeoutMilliseconds))) { client.finish(.failed(.timedOut)) }
        if options.tcpOnly || query.count > WireLimit.classicUDPPayload {
            client.startTCP()
        } else {
            client.startUDP()
        }
        return client
    }

    /// Ends the query; the completion is not called.
    func cancel() {
        completion = nil
        finish(nil)
    }

    private func finish(_ result: Result?) {
        // Closing the timer drops its action, which holds the last reference to this client
        // (the in-flight retain): without this the rest of `finish` ran on freed memory (ASan).
        withExtendedLifetime(self) {
            let completion = self.completion
            self.completion = nil
            timer.close()
            closeUDP()
            tcp?.close()
            tcp = nil
            if let result { completion?(result) }
        }
    }

    // MARK: UDP

    private func startUDP() {
        let handle = UnsafeMutablePointer<uv_udp_t>.allocate(capacity: 1)
        guard uv_udp_init(loop.raw, handle) == 0 else {
            handle.deallocate()
            finish(.failed(.network(LoopError(operation: "udp socket", code: UV_EINVAL.rawValue))))
            return
        }
        handle.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        udp = handle
        udpBuffer = .allocate(byteCount: options.maxResponseSize + 1, alignment: 16)
        do {
            if let source = options.source {
                try SocketAddress.withSockaddr(SocketAddress.storage(host: source, port: 0)) { (address) throws(LoopError) in
                    try uvCheck(uv_udp_bind(handle, address, 0), "bind udp \(source)")
                }
            }
            try SocketAddress.withSockaddr(SocketAddress.storage(host: server, port: port)) { (address) throws(LoopError) in
                try uvCheck(uv_udp_connect(handle, address), "udp connect \(server) port \(port)")
            }
            try uvCheck(uv_udp_recv_start(handle, queryAllocate, queryReceived), "udp receive")
            let sent = query.withUnsafeBytes { bytes -> Int32 in
                var buffer = uv_buf_init(UnsafeMutablePointer(mutating: bytes.baseAddress!.assumingMemoryBound(to: CChar.self)),
                                         UInt32(bytes.count))
                return uv_udp_try_send(handle, &buffer, 1, nil)
            }
            try uvCheck(sent, "udp send")
        } catch {
            finish(.failed(.network(error)))
        }
    }

    private func closeUDP() {
        guard let handle = udp else { return }
        udp = nil
        uv_udp_recv_stop(handle)
        let buffer = udpBuffer
        udpBuffer = nil
        closeHandle(handle, base: zr_udp_handle(handle)) { buffer?.deallocate() }
    }

    fileprivate func provideBuffer(_ out: UnsafeMutablePointer<uv_buf_t>) {
        guard let udpBuffer else {
            out.pointee = uv_buf_init(nil, 0)
            return
        }
        out.pointee = uv_buf_init(udpBuffer.assumingMemoryBound(to: CChar.self), UInt32(options.maxResponseSize + 1))
    }

    fileprivate func received(_ count: Int) {
        guard completion != nil, let udpBuffer else { return }
        if count < 0 {
            // ECONNREFUSED from an ICMP port unreachable on the connected socket: nobody listens.
            finish(.failed(.network(LoopError(operation: "udp receive", code: Int32(count)))))
            return
        }
        guard count > 0 else { return }
        guard count <= options.maxResponseSize else {
            finish(.failed(.tooLarge(count)))
            return
        }
        let bytes = Array(UnsafeRawBufferPointer(start: udpBuffer, count: count))
        guard ResponseMatch.mismatch(query: query, response: bytes) == nil else { return }
        if bytes[2] & 0x02 != 0 {                  // TC (RFC 1035 §4.1.1)
            closeUDP()
            startTCP()
        } else {
            finish(.response(bytes))
        }
    }

    // MARK: TCP

    private func startTCP() {
        do {
            tcp = try TCPStream(loop: loop, address: server, port: port, source: options.source) { [unowned self] event in
                self.tcpEvent(event)
            }
        } catch {
            finish(.failed(.network(error)))
        }
    }

    private func tcpEvent(_ event: TCPStream.Event) {
        switch event {
        case .connected:
            tcp?.write([UInt8(query.count >> 8), UInt8(query.count & 0xff)] + query)
        case .received(let bytes):
            tcpBytes += bytes
            guard tcpBytes.count >= 2 else { return }
            let length = Int(tcpBytes[0]) << 8 | Int(tcpBytes[1])
            guard length <= options.maxResponseSize else {
                finish(.failed(.tooLarge(length)))
                return
            }
            guard tcpBytes.count >= 2 + length else { return }
            let response = Array(tcpBytes[2..<(2 + length)])
            if let why = ResponseMatch.mismatch(query: query, response: response) {
                finish(.failed(.malformed(why)))
            } else {
                finish(.response(response))
            }
        case .endOfStream:
            finish(.failed(.malformed("connection closed after \(tcpBytes.count) bytes")))
        case .failed(let error):
            finish(.failed(.network(error)))
        }
    }
}

private func queryAllocate(_ handle: UnsafeMutablePointer<uv_handle_t>?, _ suggested: Int,
                           _ buffer: UnsafeMutablePointer<uv_buf_t>?) {
    guard let handle, let buffer else { return }
    guard let data = handle.pointee.data, uv_is_closing(handle) == 0 else {
        buffer.pointee = uv_buf_init(nil, 0)
        return
    }
    Unmanaged<DNSQueryClient>.fromOpaque(data)._withUnsafeGuaranteedRef { $0.provideBuffer(buffer) }
}

private func queryReceived(_ handle: UnsafeMutablePointer<uv_udp_t>?, _ count: Int, _ buffer: UnsafePointer<uv_buf_t>?,
                           _ address: UnsafePointer<sockaddr>?, _ flags: UInt32) {
    guard let handle, let data = handle.pointee.data, uv_is_closing(zr_udp_handle(handle)) == 0 else { return }
    Unmanaged<DNSQueryClient>.fromOpaque(data)._withUnsafeGuaranteedRef { $0.received(count) }
}
