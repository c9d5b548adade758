import CLibUV

/// Accepts DNS-over-TCP clients on one address and port (RFC 7766) and owns their connections.
///
/// Loop-owned. Each accepted client becomes a `TCPConnection`; this listener keeps them in
/// an array to enforce the connection cap and to close them all on shutdown.
final class TCPListener {
    let host: ListenHost
    let port: UInt16
    let limits: TCPLimits
    /// Swapped on reload; open connections answer their next query with the new configuration.
    var responder: QueryResponder
    var observer: QueryObserver?

    let loop: EventLoop
    /// Shared by all connections: a reply is encoded here, then written or copied out at once.
    let responseBuffer: UnsafeMutableRawBufferPointer
    private let handle: UnsafeMutablePointer<uv_tcp_t>
    private(set) var connections: [TCPConnection] = []
    private var closed = false
    /// Connections whose zone transfer produces its next batch in the next loop turn, after
    /// the sockets have been polled: one batch per connection and turn.
    private var pumpsDue: [TCPConnection] = []
    private var pumping: LoopIdle?

    init(loop: EventLoop, host: ListenHost, port: UInt16, responder: QueryResponder, limits: TCPLimits = .standard) throws(LoopError) {
        self.loop = loop
        self.host = host
        self.port = port
        self.responder = responder
        self.limits = limits
        handle = .allocate(capacity: 1)
        responseBuffer = .allocate(byteCount: 2 + 65_535, alignment: 16)
        let rc = uv_tcp_init(loop.raw, handle)
        if rc < 0 {
            handle.deallocate()
            responseBuffer.deallocate()
            throw LoopError(operation: "tcp \(host) port \(port)", code: rc)
        }
        handle.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        do {
            try bindAndListen(handle, host: host, port: port, backlog: 511, tcpConnectionArrived)
        } catch {
            close()
            throw error
        }
    }

    /// Closes the listening socket and every open connection; safe to call twice.
    func close() {
        guard !closed else { return }
        closed = true
        for connection in connections { connection.close() }
        connections.removeAll()
        pumpsDue.removeAll()
        pumping?.close()
        let responseBuffer = self.responseBuffer
        closeHandle(handle, base: zr_tcp_handle(handle)) { responseBuffer.deallocate() }
    }

    fileprivate func accept() {
        guard !closed else { return }
        if connections.count >= limits.maxConnections, let oldest = connections.min(by: { $0.lastActive < $1.lastActive }) {
            oldest.close()
        }
        guard let connection = TCPConnection(listener: self, server: handle) else { return }
        connection.index = connections.count
        connections.append(connection)
    }

    /// `connection.pump()` in the next turn's idle phase, i.e. after this turn's poll.
    func pumpNextTurn(_ connection: TCPConnection) {
        guard !closed else { return }
        pumpsDue.append(connection)
        if pumping == nil {
            pumping = LoopIdle(loop: loop) { [unowned self] in self.runDuePumps() }
        }
        pumping?.start()
    }

    private func runDuePumps() {
        var due: [TCPConnection] = []
        swap(&due, &pumpsDue)
        pumping?.stop()
        for connection in due { connection.pump() }
    }

    /// Called by a connection as it closes, so the array only holds open ones.
    func remove(_ connection: TCPConnection) {
        guard let index = connection.index, index < connections.count, connections[index] === connection else { return }
        let last = connections.removeLast()
        if index < connections.count {
            connections[index] = last
            last.index = index
        }
        connection.index = nil
    }
}

private func tcpConnectionArrived(_ server: UnsafeMutablePointer<uv_stream_t>?, _ status: Int32) {
    guard status == 0, let data = server?.pointee.data else { return }
    Unmanaged<TCPListener>.fromOpaque(data)._withUnsafeGuaranteedRef { $0.accept() }
}
