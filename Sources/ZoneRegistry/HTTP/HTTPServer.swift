/// The small HTTP/1.1 server behind `/health`, `/ready` and `/metrics`, on the DNS loop.
///
/// Loop-owned. One server per listening address; several directives sharing an address add
/// routes to the same server. Every response closes its connection. Slow or oversized
/// requests are closed: a client has `requestTimeout` ms to send its head within `headLimit` bytes.
final class HTTPServer {
    typealias Route = () -> HTTPResponse

    let address: HTTPListenAddress
    /// Routes by exact path; replaced on reload.
    var routes: [String: Route] = [:]
    let requestTimeoutMilliseconds: UInt64 = 5_000
    let maxConnections = 64

    private let loop: EventLoop
    private var servers: [StreamServer] = []
    private var connections: [ObjectIdentifier: HTTPConnection] = [:]

    init(loop: EventLoop, address: HTTPListenAddress) throws(LoopError) {
        self.loop = loop
        self.address = address
        let hosts = address.host.map { [$0] } ?? ListenHost.wildcards
        do {
            for host in hosts {
                servers.append(try StreamServer(loop: loop, host: host, port: address.port) { [unowned self] acceptor in
                    self.accept(acceptor)
                })
            }
        } catch {
            close()
            throw error
        }
    }

    func close() {
        servers.forEach { $0.close() }
        servers.removeAll()
        connections.values.forEach { $0.close() }
        connections.removeAll()
    }

    private func accept(_ acceptor: TCPStream.Acceptor) {
        let connection = HTTPConnection(server: self, loop: loop)
        guard connection.start(acceptor) else { return }
        if connections.count >= maxConnections {
            connection.respond(.text(503, "too many connections\n"), includeBody: true)
            return
        }
        connections[ObjectIdentifier(connection)] = connection
    }

    fileprivate func finished(_ connection: HTTPConnection) {
        connections[ObjectIdentifier(connection)] = nil
    }

    fileprivate func response(method: String, path: String) -> HTTPResponse {
        guard let route = routes[path] else { return .text(404, "404 page not found\n") }
        guard method == "GET" || method == "HEAD" else { return .text(405, "method not allowed\n") }
        return route()
    }
}

/// One client of an `HTTPServer`: read one request head, answer, close.
private final class HTTPConnection {
    unowned let server: HTTPServer
    private var stream: TCPStream?
    private var reader = HTTPRequestReader()
    private let timer: LoopTimer
    private var done = false

    init(server: HTTPServer, loop: EventLoop) {
        self.server = server
        timer = LoopTimer(loop: loop)
    }

    func start(_ acceptor: TCPStream.Acceptor) -> Bool {
        stream = acceptor.accept { [weak self] event in self?.handle(event) }
        guard stream != nil else {
            timer.close()
            return false
        }
        timer.start(after: server.requestTimeoutMilliseconds) { [weak self] in
            self?.respond(.text(408, "request timeout\n"), includeBody: true)
        }
        return true
    }

    private func handle(_ event: TCPStream.Event) {
        guard !done else { return }
        switch event {
        case .received(let bytes):
            switch reader.feed(bytes) {
            case .needMore: break
            case .bad: respond(.text(400, "bad request\n"), includeBody: true)
            case .oversized: respond(.text(431, "request header too large\n"), includeBody: true)
            case .request(let method, let path):
                respond(server.response(method: method, path: path), includeBody: method != "HEAD")
            }
        case .endOfStream, .failed, .connected:
            close()
        }
    }

    func respond(_ response: HTTPResponse, includeBody: Bool) {
        guard !done else { return }
        done = true
        timer.close()
        if includeBody && !response.body.isEmpty {
            stream?.write(response.head)
            stream?.write(response.body, thenClose: true)
        } else {
            stream?.write(response.head, thenClose: true)
        }
        stream = nil
        server.finished(self)
    }

    func close() {
        guard !done else { return }
        done = true
        timer.close()
        stream?.close()
        stream = nil
        server.finished(self)
    }
}
