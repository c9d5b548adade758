/// The `zoneregistry ctl` side of the control API: one HTTP/1.1 request over a libuv loop of
/// its own (the same `TCPStream` the probes use), read to the server's close.
///
/// Blocking from the caller's view: `send` runs the loop until the exchange is over.
struct ControlClient {
    let host: ListenHost
    let port: UInt16
    var timeoutMilliseconds: UInt64 = 10_000

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    struct Reply {
        var status: Int
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// `http://127.0.0.1:8053`, `http://[::1]:8053`, `http://localhost:8053` (a path is ignored).
    init(url: String) throws(Failure) {
        var rest = Substring(url)
        if rest.hasPrefix("http://") { rest = rest.dropFirst("http://".count) }
        guard !rest.hasPrefix("https://") else { throw Failure(description: "https is not served by the control API; use http:// on a loopback address") }
        let authority = rest.prefix { $0 != "/" }
        let withPort = authority.contains("]:") || (!authority.hasPrefix("[") && authority.contains(":")) ? String(authority) : "\(authority):80"
        guard let address = HTTPListenAddress(parsing: withPort), let host = address.host else {
            throw Failure(description: "invalid control URL \(quoted(url)); expected http://ADDRESS:PORT")
        }
        self.host = host
        port = address.port
    }

    func send(method: String, path: String, token: String? = nil, body: [UInt8]? = nil) throws(Failure) -> Reply {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(hostHeader)\r\nUser-Agent: zoneregistry-ctl/\(ZoneRegistryCommand.version)\r\n"
        head += "Connection: close\r\n"
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        if let body { head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n" }
        let request = Array((head + "\r\n").utf8) + (body ?? [])
        let exchange: Exchange
        do {
            exchange = try Exchange(host: host, port: port, request: request, timeout: timeoutMilliseconds)
        } catch {
            throw Failure(description: "cannot reach the control API at \(hostHeader): \(error)")
        }
        return try exchange.run()
    }

    private var hostHeader: String {
        switch host {
        case .v4(let address): "\(address):\(port)"
        case .v6(let address): "[\(address)]:\(port)"
        }
    }

    /// One connection's state while its loop runs.
    private final class Exchange {
        private let loop: EventLoop
        private var stream: TCPStream?
        private let timer: LoopTimer
        private var received: [UInt8] = []
        private var failure: String?

        init(host: ListenHost, port: UInt16, request: [UInt8], timeout: UInt64) throws(LoopError) {
            loop = try EventLoop()
            timer = LoopTimer(loop: loop)
            stream = try TCPStream(loop: loop, address: host, port: port) { [unowned self] event in
                switch event {
                case .connected: self.stream?.write(request)
                case .received(let bytes): self.received += bytes
                case .endOfStream: self.finish(nil)
                case .failed(let error): self.finish(error.description)
                }
            }
            timer.start(after: timeout) { [unowned self] in self.finish("no answer within \(timeout / 1000) s") }
        }

        private func finish(_ failure: String?) {
            self.failure = self.failure ?? failure
            stream?.close()
            stream = nil
            timer.close()
        }

        func run() throws(Failure) -> Reply {
            loop.run()
            if let failure, received.isEmpty { throw Failure(description: "control API: \(failure)") }
            guard let reply = ControlClient.parse(received) else {
                throw Failure(description: "control API: not an HTTP response")
            }
            return reply
        }
    }

    /// Status code and body of a whole `Connection: close` response.
    static func parse(_ bytes: [UInt8]) -> Reply? {
        let separator: [UInt8] = [0x0d, 0x0a, 0x0d, 0x0a]
        guard let end = (0...max(0, bytes.count - 4)).first(where: { bytes.count >= 4 && Array(bytes[$0..<$0 + 4]) == separator }) else {
            return nil
        }
        let statusLine = String(decoding: bytes[..<end].prefix { $0 != 0x0d }, as: UTF8.self)
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else { return nil }
        return Reply(status: status, body: Array(bytes[(end + 4)...]))
    }
}
