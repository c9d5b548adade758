import CLibUV

/// One DNS-over-TCP client: 2-byte length framing, pipelined queries answered in order,
/// an idle timer, and a bound on replies queued for a client that does not read.
///
/// Loop-owned; held by its `TCPListener` while open, and by its own close callbacks and
/// queued writes until libuv is done with it.
final class TCPConnection {
    /// Room for one maximum-size framed message plus a second read's worth of pipelined bytes.
    private static let bufferCapacity = 2 + 65_535 + 16_384

    unowned let listener: TCPListener
    var index: Int?
    private(set) var lastActive: UInt64
    private let stream: UnsafeMutablePointer<uv_tcp_t>
    private let timer: UnsafeMutablePointer<uv_timer_t>
    private let buffer: UnsafeMutableRawPointer
    private var used = 0
    private var queuedReplyBytes = 0
    private var readingPaused = false
    private var closed = false
    private var client: ClientAddress?
    /// A zone transfer under way: its messages go out before the next query is read.
    private var responseStream: ResponseStream?
    private var streamBuffer: UnsafeMutableRawBufferPointer?
    /// Stream messages are produced until a loop turn's batch reaches this many bytes: three
    /// 16 KiB transfer messages. A /metrics body goes out in 256 KiB chunks, but those are only
    /// copied; transfer messages are encoded record by record (~11 ns a byte here), so 256 KiB
    /// would hold DNS ~3 ms and 48 KiB holds it ~0.5 ms (bench/transfer.py).
    static let streamBatch = 32 * 1024

    init?(listener: TCPListener, server: UnsafeMutablePointer<uv_tcp_t>) {
        self.listener = listener
        lastActive = listener.loop.nowMilliseconds
        stream = .allocate(capacity: 1)
        timer = .allocate(capacity: 1)
        buffer = .allocate(byteCount: TCPConnection.bufferCapacity, alignment: 16)
        guard uv_tcp_init(listener.loop.raw, stream) == 0 else {
            stream.deallocate(); timer.deallocate(); buffer.deallocate()
            return nil
        }
        _ = uv_timer_init(listener.loop.raw, timer)
        let me = Unmanaged.passUnretained(self).toOpaque()
        stream.pointee.data = me
        timer.pointee.data = me
        guard uv_accept(zr_tcp_stream(server), zr_tcp_stream(stream)) == 0 else {
            close()
            return nil
        }
        var storage = sockaddr_storage()
        var length = Int32(MemoryLayout<sockaddr_storage>.size)
        withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                if uv_tcp_getpeername(stream, address, &length) == 0 {
                    client = SocketAddress.client(address)
                }
            }
        }
        _ = uv_tcp_nodelay(stream, 1)
        guard client != nil, uv_read_start(zr_tcp_stream(stream), tcpAllocate, tcpRead) == 0 else {
            close()
            return nil
        }
        restartIdleTimer()
    }

    func close() {
        guard !closed else { return }
        closed = true
        endStream(completed: false)
        let buffer = self.buffer
        // Each close callback holds the connection until libuv has released both handles;
        // they must take hold before the listener lets go, which may be the last reference.
        closeHandle(timer, base: zr_timer_handle(timer)) { [self] in _ = self }
        closeHandle(stream, base: zr_tcp_handle(stream)) { [self] in
            _ = self
            buffer.deallocate()
        }
        listener.remove(self)
    }

    private func restartIdleTimer() {
        lastActive = listener.loop.nowMilliseconds
        uv_timer_start(timer, tcpIdle, listener.limits.idleTimeoutMilliseconds, 0)
    }

    fileprivate func provideBuffer(_ out: UnsafeMutablePointer<uv_buf_t>) {
        out.pointee = uv_buf_init((buffer + used).assumingMemoryBound(to: CChar.self), UInt32(TCPConnection.bufferCapacity - used))
    }

    fileprivate func received(_ count: Int) {
        guard !closed else { return }
        if count < 0 {
            close()  // EOF or reset
            return
        }
        used += count
        answerBuffered()
    }

    /// Answers the complete messages in the buffer, in order, until replies queued for a
    /// client that does not read pass the bound: the rest wait, unread, until it catches up
    /// (`written`). Answering them all regardless would queue a reply for every pipelined
    /// query already read, up to a buffer's worth (thousands) per client.
    private func answerBuffered() {
        var offset = 0
        while used - offset >= 2, !closed, !readingPaused, responseStream == nil {
            let length = Int(buffer.load(fromByteOffset: offset, as: UInt8.self)) << 8
                | Int(buffer.load(fromByteOffset: offset + 1, as: UInt8.self))
            guard used - offset - 2 >= length else { break }
            answer(UnsafeRawBufferPointer(start: buffer + offset + 2, count: length))
            offset += 2 + length
            restartIdleTimer()
        }
        if closed { return }
        if offset > 0 {
            (buffer).copyMemory(from: buffer + offset, byteCount: used - offset)
            used -= offset
        }
    }

    private func answer(_ query: UnsafeRawBufferPointer) {
        guard let client else { return }
        let output = listener.responseBuffer
        let body = UnsafeMutableRawBufferPointer(rebasing: output[2...])
        let started = uv_hrtime()
        let outcome = listener.responder.respond(to: query, into: body, transport: .tcp, client: client)
        if outcome.length > 0 {
            output[0] = UInt8(outcome.length >> 8)
            output[1] = UInt8(outcome.length & 0xff)
            write(UnsafeRawBufferPointer(start: output.baseAddress, count: 2 + outcome.length))
        }
        listener.observer?.observe(query: query, outcome: outcome, transport: .tcp, client: client,
                                   seconds: Double(uv_hrtime() &- started) / 1e9)
        if let next = listener.responder.takeStream() {
            responseStream = next
            if !readingPaused {
                readingPaused = true
                uv_read_stop(zr_tcp_stream(stream))
            }
            listener.pumpNextTurn(self)
        }
        if outcome.length == 0 {
            // RFC 7766 §6.2.4 lets us close on a message we will not answer.
            close()
        }
    }

    private func write(_ bytes: UnsafeRawBufferPointer) {
        var remaining = bytes
        if queuedReplyBytes == 0 {
            var buf = uv_buf_init(UnsafeMutablePointer(mutating: bytes.baseAddress!.assumingMemoryBound(to: CChar.self)), UInt32(bytes.count))
            let written = uv_try_write(zr_tcp_stream(stream), &buf, 1)
            if written == Int32(bytes.count) { return }
            if written < 0 && written != UV_EAGAIN.rawValue {
                close()
                return
            }
            if written > 0 { remaining = UnsafeRawBufferPointer(rebasing: bytes[Int(written)...]) }
        }
        queue(remaining)
    }

    /// Copies what the socket did not take at once into a write request (request and bytes
    /// in one allocation, freed in the write callback).
    private func queue(_ bytes: UnsafeRawBufferPointer) {
        let memory = UnsafeMutableRawPointer.allocate(byteCount: WriteRequestLayout.payloadOffset + bytes.count, alignment: 16)
        let request = memory.bindMemory(to: uv_write_t.self, capacity: 1)
        memory.storeBytes(of: bytes.count, toByteOffset: WriteRequestLayout.countOffset, as: Int.self)
        let payload = memory + WriteRequestLayout.payloadOffset
        payload.copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        request.pointee.data = Unmanaged.passRetained(self).toOpaque()
        var buf = uv_buf_init(payload.assumingMemoryBound(to: CChar.self), UInt32(bytes.count))
        guard uv_write(request, zr_tcp_stream(stream), &buf, 1, tcpWritten) == 0 else {
            Unmanaged<TCPConnection>.fromOpaque(request.pointee.data).release()
            memory.deallocate()
            close()
            return
        }
        queuedReplyBytes += bytes.count
        if queuedReplyBytes > listener.limits.maxQueuedReplyBytes && !readingPaused {
            readingPaused = true
            uv_read_stop(zr_tcp_stream(stream))
        }
    }

    /// Produces the next batch of stream messages once the previous one is written, called by
    /// the listener in the loop turn after (`pumpNextTurn`): libuv 1.44 runs the callbacks of
    /// writes that completed at once up to 9 times between two polls, so pumping from the
    /// write callback sent a whole 10,000-peer zone in one turn, whatever the batch size.
    func pump() {
        guard let source = responseStream, !closed, queuedReplyBytes == 0 else { return }
        let batch = streamBuffer ?? UnsafeMutableRawBufferPointer.allocate(
            byteCount: TCPConnection.streamBatch + 2 + 65_535, alignment: 16)
        streamBuffer = batch
        var produced = 0
        var finished = false
        while produced < TCPConnection.streamBatch {
            let body = UnsafeMutableRawBufferPointer(rebasing: batch[(produced + 2)..<(produced + 2 + 65_535)])
            let length = source.nextMessage(into: body)
            if length == 0 {
                finished = true
                break
            }
            batch[produced] = UInt8(length >> 8)
            batch[produced + 1] = UInt8(length & 0xff)
            produced += 2 + length
        }
        if produced > 0 { queue(UnsafeRawBufferPointer(rebasing: batch[..<produced])) }
        if finished { endStream(completed: !closed) }
    }

    private func endStream(completed: Bool) {
        guard let ending = responseStream else { return }
        responseStream = nil
        streamBuffer?.deallocate()
        streamBuffer = nil
        ending.finish(completed: completed)
        if !closed && queuedReplyBytes == 0 { resumeReading() }
    }

    fileprivate func written(_ byteCount: Int, status: Int32) {
        queuedReplyBytes -= byteCount
        guard !closed else { return }
        if status < 0 {
            close()
            return
        }
        if responseStream != nil {
            restartIdleTimer()
            listener.pumpNextTurn(self)
            return
        }
        resumeReading()
    }

    private func resumeReading() {
        if readingPaused && queuedReplyBytes <= listener.limits.maxQueuedReplyBytes / 2 {
            readingPaused = false
            answerBuffered()
            if !readingPaused && !closed && uv_read_start(zr_tcp_stream(stream), tcpAllocate, tcpRead) != 0 { close() }
        }
    }

    fileprivate func idleTimedOut() {
        close()
    }
}

private func tcpAllocate(_ handle: UnsafeMutablePointer<uv_handle_t>?, _ suggested: Int, _ out: UnsafeMutablePointer<uv_buf_t>?) {
    guard let data = handle?.pointee.data, let out else { return }
    Unmanaged<TCPConnection>.fromOpaque(data)._withUnsafeGuaranteedRef { $0.provideBuffer(out) }
}

private func tcpRead(_ stream: UnsafeMutablePointer<uv_stream_t>?, _ count: Int, _ buffer: UnsafePointer<uv_buf_t>?) {
    // count == 0 is EAGAIN: nothing to do.
    guard count != 0, let data = stream?.pointee.data else { return }
    Unmanaged<TCPConnection>.fromOpaque(data)._withUnsafeGuaranteedRef { $0.received(count) }
}

private func tcpWritten(_ request: UnsafeMutablePointer<uv_write_t>?, _ status: Int32) {
    guard let request, let data = request.pointee.data else { return }
    let connection = Unmanaged<TCPConnection>.fromOpaque(data).takeRetainedValue()
    let memory = UnsafeMutableRawPointer(request)
    let byteCount = memory.load(fromByteOffset: WriteRequestLayout.countOffset, as: Int.self)
    memory.deallocate()
    connection.written(byteCount, status: status)
}

/// A queued write is one allocation: the libuv request, the byte count, then the bytes.
private enum WriteRequestLayout {
    static let countOffset = (MemoryLayout<uv_write_t>.stride + 15) & ~15
    static let payloadOffset = countOffset + 16
}

private func tcpIdle(_ timer: UnsafeMutablePointer<uv_timer_t>?) {
    guard let data = timer?.pointee.data else { return }
    Unmanaged<TCPConnection>.fromOpaque(data)._withUnsafeGuaranteedRef { $0.idleTimedOut() }
}
