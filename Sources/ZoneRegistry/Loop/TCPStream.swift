import CLibUV

/// A TCP connection on the loop for the low-rate protocols: outgoing for health probes
/// (connect, write, read until the peer closes) and accepted for the HTTP endpoints.
/// Events arrive as Swift values; no pointer leaves this file.
///
/// Loop-owned. `close()` may come at any moment (a probe timeout mid-connect or mid-write):
/// libuv then still completes pending requests with `UV_ECANCELED`, so every callback checks
/// `finished`, and the memory of the handle and requests is released only in their callbacks.
final class TCPStream {
    enum Event {
        case connected
        case received([UInt8])
        /// The peer closed its side (EOF).
        case endOfStream
        /// Connect, read or write failed: `ECONNREFUSED`, `ECONNRESET`, `ETIMEDOUT` ...
        case failed(LoopError)
    }

    private let handle: UnsafeMutablePointer<uv_tcp_t>
    private var handler: ((Event) -> Void)?
    private var finished = false
    private var pendingWrites = 0
    private var closeAfterWrites = false
    /// Bytes read per callback; probes read a status line and a few headers.
    private let readBuffer: UnsafeMutableRawPointer
    private static let readBufferSize = 4096

    /// Connects to `address`:`port`, from `source` when one is given (`probe_source`).
    init(loop: EventLoop, address: ListenHost, port: UInt16, source: ListenHost? = nil,
         handler: @escaping (Event) -> Void) throws(LoopError) {
        self.handler = handler
        handle = .allocate(capacity: 1)
        readBuffer = .allocate(byteCount: TCPStream.readBufferSize, alignment: 16)
        var initialised = false
        do {
            try LocalAddress.openTCP(handle, loop: loop, source: source, initialised: &initialised)
        } catch {
            if initialised {
                self.handler = nil
                close()
            } else {
                handle.deallocate()
                readBuffer.deallocate()
            }
            throw error
        }
        handle.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        let request = UnsafeMutablePointer<uv_connect_t>.allocate(capacity: 1)
        request.pointee.data = Unmanaged.passRetained(self).toOpaque()
        do {
            try SocketAddress.withSockaddr(SocketAddress.storage(host: address, port: port)) { (sockaddr) throws(LoopError) in
                try uvCheck(uv_tcp_connect(request, handle, sockaddr, clientConnected), "connect \(address) port \(port)")
            }
        } catch {
            Unmanaged<TCPStream>.fromOpaque(request.pointee.data).release()
            request.deallocate()
            self.handler = nil
            close()
            throw error
        }
    }

    /// Accepts a pending connection of `server`; reading starts at once, events go to `handler`.
    init?(loop: EventLoop, acceptingFrom server: UnsafeMutablePointer<uv_tcp_t>, handler: @escaping (Event) -> Void) {
        self.handler = handler
        handle = .allocate(capacity: 1)
        readBuffer = .allocate(byteCount: TCPStream.readBufferSize, alignment: 16)
        guard uv_tcp_init(loop.raw, handle) == 0 else {
            handle.deallocate()
            readBuffer.deallocate()
            return nil
        }
        handle.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        guard uv_accept(zr_tcp_stream(server), zr_tcp_stream(handle)) == 0,
              uv_read_start(zr_tcp_stream(handle), clientAllocate, clientRead) == 0 else {
            self.handler = nil
            close()
            return nil
        }
    }

    /// Sends `bytes`, then closes the connection once they are written when `thenClose` is set
    /// (closing earlier would cancel the write). Failures arrive as a `.failed` event.
    func write(_ bytes: [UInt8], thenClose: Bool = false) {
        guard !finished else { return }
        closeAfterWrites = closeAfterWrites || thenClose
        if queued.isEmpty && bytes.count <= TCPStream.writeChunk {
            submit(bytes[...])
        } else {
            // Kept, not copied: the first large write is the body itself.
            if queued.isEmpty { queued = bytes } else { queued += bytes }
            if pendingWrites == 0 { submitQueued() }
        }
        if closeAfterWrites && pendingWrites == 0 && queued.isEmpty { close() }
    }

    /// Bytes past `writeChunk` wait here and go to libuv a chunk per completed write: each
    /// write copies what it sends, and copying a whole /metrics body (26 MB with 10,000 peers)
    /// at once held the loop, and DNS, for several milliseconds.
    private var queued: [UInt8] = []
    private var queuedOffset = 0
    private static let writeChunk = 256 * 1024

    private func submitQueued() {
        let end = min(queuedOffset + TCPStream.writeChunk, queued.count)
        let chunk = queued[queuedOffset..<end]
        queuedOffset = end
        if queuedOffset == queued.count {
            queued = []
            queuedOffset = 0
        }
        submit(chunk)
    }

    private func submit(_ bytes: ArraySlice<UInt8>) {
        guard !bytes.isEmpty else { return }
        pendingWrites += 1
        let memory = UnsafeMutableRawPointer.allocate(byteCount: ClientWriteLayout.payloadOffset + bytes.count, alignment: 16)
        let request = memory.bindMemory(to: uv_write_t.self, capacity: 1)
        let payload = memory + ClientWriteLayout.payloadOffset
        bytes.withUnsafeBytes { payload.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
        request.pointee.data = Unmanaged.passRetained(self).toOpaque()
        var buffer = uv_buf_init(payload.assumingMemoryBound(to: CChar.self), UInt32(bytes.count))
        let rc = uv_write(request, zr_tcp_stream(handle), &buffer, 1, clientWritten)
        if rc < 0 {
            pendingWrites -= 1
            Unmanaged<TCPStream>.fromOpaque(request.pointee.data).release()
            memory.deallocate()
            queued = []
            queuedOffset = 0
            deliver(.failed(LoopError(operation: "write", code: rc)))
        }
    }

    /// The remote end's address (an HTTP client's, for the control API's logs); nil once closed.
    func peerAddress() -> ClientAddress? {
        guard !finished else { return nil }
        var storage = sockaddr_storage()
        var length = Int32(MemoryLayout<sockaddr_storage>.size)
        return withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                uv_tcp_getpeername(handle, address, &length) == 0 ? SocketAddress.client(address) : nil
            }
        }
    }

    /// Ends the connection; no event is delivered after this. Safe to call more than once.
    func close() {
        handler = nil
        guard !finished else { return }
        finished = true
        let readBuffer = self.readBuffer
        closeHandle(handle, base: zr_tcp_handle(handle)) { [self] in
            _ = self
            readBuffer.deallocate()
        }
    }

    /// Ends the connection with a reset instead of a FIN (SO_LINGER 0), discarding anything
    /// unsent. For probes, whose verdict is already given: the side that closes first keeps a
    /// TIME_WAIT socket for a minute, and a registry probing a thousand peers every second
    /// would pin tens of thousands of local ports (HAProxy closes its checks the same way).
    func abort() {
        if !finished {
            var fd: uv_os_fd_t = -1
            if uv_fileno(zr_tcp_handle(handle), &fd) == 0 {
                var option = linger(l_onoff: 1, l_linger: 0)
                _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
            }
        }
        close()
    }

    private func deliver(_ event: Event) {
        guard !finished else { return }
        handler?(event)
    }

    fileprivate func connected(status: Int32) {
        guard !finished else { return }
        if status < 0 {
            deliver(.failed(LoopError(operation: "connect", code: status)))
            return
        }
        let rc = uv_read_start(zr_tcp_stream(handle), clientAllocate, clientRead)
        if rc < 0 {
            deliver(.failed(LoopError(operation: "read", code: rc)))
            return
        }
        deliver(.connected)
    }

    fileprivate func provideBuffer(_ out: UnsafeMutablePointer<uv_buf_t>) {
        out.pointee = uv_buf_init(readBuffer.assumingMemoryBound(to: CChar.self), UInt32(TCPStream.readBufferSize))
    }

    fileprivate func read(_ count: Int) {
        guard !finished else { return }
        if count == Int(UV_EOF.rawValue) {
            let error = pendingSocketError()
            deliver(error == 0 ? .endOfStream : .failed(LoopError(operation: "read", code: -error)))
        } else if count < 0 {
            deliver(.failed(LoopError(operation: "read", code: Int32(count))))
        } else if count > 0 {
            deliver(.received(Array(UnsafeRawBufferPointer(start: readBuffer, count: count))))
        }
    }

    /// libuv reports end of stream, not `ECONNRESET`, when a reset arrives in the same poll as
    /// the last bytes (POLLHUP after a partial read, `uv__stream_io`), so a peer resetting
    /// mid-response would look like one that closed. The reset is still pending on the socket.
    private func pendingSocketError() -> Int32 {
        var fd: uv_os_fd_t = -1
        guard uv_fileno(zr_tcp_handle(handle), &fd) == 0 else { return 0 }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 else { return 0 }
        return error
    }

    fileprivate func wrote(status: Int32) {
        pendingWrites -= 1
        if status < 0 {
            queued = []
            queuedOffset = 0
            if status != UV_ECANCELED.rawValue {
                deliver(.failed(LoopError(operation: "write", code: status)))
            }
        } else if !finished && pendingWrites == 0 && !queued.isEmpty {
            submitQueued()
        }
        if closeAfterWrites && pendingWrites == 0 && queued.isEmpty { close() }
    }
}

private enum ClientWriteLayout {
    static let payloadOffset = (MemoryLayout<uv_write_t>.stride + 15) & ~15
}

private func clientConnected(_ request: UnsafeMutablePointer<uv_connect_t>?, _ status: Int32) {
    guard let request, let data = request.pointee.data else { return }
    let connection = Unmanaged<TCPStream>.fromOpaque(data).takeRetainedValue()
    request.deallocate()
    connection.connected(status: status)
}

private func clientWritten(_ request: UnsafeMutablePointer<uv_write_t>?, _ status: Int32) {
    guard let request, let data = request.pointee.data else { return }
    let connection = Unmanaged<TCPStream>.fromOpaque(data).takeRetainedValue()
    UnsafeMutableRawPointer(request).deallocate()
    connection.wrote(status: status)
}

private func clientAllocate(_ handle: UnsafeMutablePointer<uv_handle_t>?, _ suggested: Int, _ out: UnsafeMutablePointer<uv_buf_t>?) {
    guard let data = handle?.pointee.data, let out else { return }
    Unmanaged<TCPStream>.fromOpaque(data)._withUnsafeGuaranteedRef { $0.provideBuffer(out) }
}

private func clientRead(_ stream: UnsafeMutablePointer<uv_stream_t>?, _ count: Int, _ buffer: UnsafePointer<uv_buf_t>?) {
    guard let data = stream?.pointee.data else { return }
    Unmanaged<TCPStream>.fromOpaque(data)._withUnsafeGuaranteedRef { $0.read(count) }
}
