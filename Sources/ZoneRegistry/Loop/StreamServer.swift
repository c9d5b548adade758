import CLibUV

/// Accepts TCP connections for the HTTP endpoints (/health, /ready, /metrics) and hands each
/// one over as a `TCPStream`. Loop-owned.
final class StreamServer {
    let host: ListenHost
    let port: UInt16
    private let loop: EventLoop
    private let handle: UnsafeMutablePointer<uv_tcp_t>
    private let accepted: (StreamServer, UnsafeMutablePointer<uv_tcp_t>) -> Void
    private var closed = false

    /// `onConnection` receives each accepted stream's events; it gets the stream first through
    /// `onAccept`, which must set up its handler before any data arrives.
    init(loop: EventLoop, host: ListenHost, port: UInt16, onAccept: @escaping (TCPStream.Acceptor) -> Void) throws(LoopError) {
        self.loop = loop
        self.host = host
        self.port = port
        self.accepted = { server, raw in onAccept(TCPStream.Acceptor(loop: server.loop, server: raw)) }
        handle = .allocate(capacity: 1)
        let rc = uv_tcp_init(loop.raw, handle)
        if rc < 0 {
            handle.deallocate()
            throw LoopError(operation: "tcp \(host) port \(port)", code: rc)
        }
        handle.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        do {
            try bindAndListen(handle, host: host, port: port, backlog: 128, streamConnectionArrived)
        } catch {
            close()
            throw error
        }
    }

    func close() {
        guard !closed else { return }
        closed = true
        closeHandle(handle, base: zr_tcp_handle(handle))
    }

    fileprivate func accept() {
        guard !closed else { return }
        accepted(self, handle)
    }
}

extension TCPStream {
    /// A pending connection, valid only inside the `onAccept` call: `accept` it with a handler.
    struct Acceptor {
        fileprivate let loop: EventLoop
        fileprivate let server: UnsafeMutablePointer<uv_tcp_t>

        func accept(handler: @escaping (TCPStream.Event) -> Void) -> TCPStream? {
            TCPStream(loop: loop, acceptingFrom: server, handler: handler)
        }
    }
}

private func streamConnectionArrived(_ server: UnsafeMutablePointer<uv_stream_t>?, _ status: Int32) {
    guard status == 0, let data = server?.pointee.data else { return }
    Unmanaged<StreamServer>.fromOpaque(data)._withUnsafeGuaranteedRef { $0.accept() }
}
