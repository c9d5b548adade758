/// The small HTTP/1.1 server behind `/health`, `/ready`, `/metrics` and the control API, on
/// the DNS loop.
///
/// Loop-owned. One server per listening address; several directives sharing an address add
/// routes to the same server. Every response closes its connection. Slow or oversized
/// requests are closed: a client has `requestTimeout` ms to send its request, the head within
/// `headLimit` bytes and a body within `bodyLimit`.
final class HTTPServer {
    /// What answers one path (or, with `prefix`, every path below it).
    struct Route {
        /// Methods answered; GET implies HEAD (RFC 9110 §9.3.2).
        var methods: Set<String>
        var prefix = false
        var handle: (HTTPRequest) -> HTTPResponse

        /// A read-only endpoint (`/health`, `/metrics`).
        static func get(_ body: @escaping () -> HTTPResponse) -> Route {
            Route(methods: ["GET"]) { _ in body() }
        }

        func allows(_ method: String) -> Bool {
            methods.contains(method) || (method == "HEAD" && methods.contains("GET"))
        }
    }

    let address: HTTPListenAddress
    /// Routes by path; a `prefix` route's key ends in "/". Replaced on reload.
    var routes: [String: Route] = [:]
    let requestTimeoutMilliseconds: UInt64 = 5_000
    let maxConnections = 64
    /// A body past this is refused with 413 before it is read.
    static let bodyLimit = 64 * 1024

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

    fileprivate func response(_ request: HTTPRequest) -> HTTPResponse {
        HTTPServer.response(request, routes: routes)
    }

    /// The answer of `routes` to `request`: 404 without a route, 405 for a method it does not take.
    static func response(_ request: HTTPRequest, routes: [String: Route]) -> HTTPResponse {
        guard let route = route(for: request.path, in: routes) else { return .text(404, "404 page not found\n") }
        guard route.allows(request.method) else {
            var response = HTTPResponse.text(405, "method not allowed\n")
            let allowed = route.methods.contains("GET") ? route.methods.union(["HEAD"]) : route.methods
            // RFC 9110 §15.5.6: a 405 names the methods the resource does support.
            response.headers = [("Allow", allowed.sorted().joined(separator: ", "))]
            return response
        }
        return route.handle(request)
    }

    private static func route(for path: String, in routes: [String: Route]) -> Route? {
        if let exact = routes[path], !exact.prefix { return exact }
        return routes.filter { $0.value.prefix && path.hasPrefix($0.key) }.max { $0.key.count < $1.key.count }?.value
    }
}

/// One client of an `HTTPServer`: read one request, answer, close.
private final class HTTPConnection {
    unowned let server: HTTPServer
    private var stream: TCPStream?
    private var reader = HTTPRequestReader(bodyLimit: HTTPServer.bodyLimit)
    private let timer: LoopTimer
    private var done = false
    /// After a 413 the unread body is read and dropped until the client closes: closing with
    /// bytes unread would send a reset, and the client could lose the response it was sent.
    private var draining = false
    private static let drainMilliseconds: UInt64 = 2_000

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
        if draining {
            if case .received = event { return }
            finishDraining()
            return
        }
        guard !done else { return }
        switch event {
        case .received(let bytes):
            switch reader.feed(bytes) {
            case .needMore: break
            case .bad(let reason): respond(.text(400, "bad request: \(reason)\n"), includeBody: true)
            case .oversized: respond(.text(431, "request header too large\n"), includeBody: true)
            case .unsupportedTransferCoding:
                respond(.text(501, "transfer codings are not supported; send the body with Content-Length\n"), includeBody: true)
            case .bodyTooLarge(let declared):
                respond(.text(413, "request body of \(declared) bytes is over the limit of \(HTTPServer.bodyLimit) bytes\n"),
                        includeBody: true, thenDrain: true)
            case .request(var request):
                request.client = stream?.peerAddress().map(HTTPConnection.describe) ?? "unknown"
                respond(server.response(request), includeBody: request.method != "HEAD")
            }
        case .endOfStream, .failed, .connected:
            close()
        }
    }

    static func describe(_ address: ClientAddress) -> String {
        switch address {
        case .v4(let ip, let port): "\(ip):\(port)"
        case .v6(let ip, let port): "[\(ip)]:\(port)"
        }
    }

    func respond(_ response: HTTPResponse, includeBody: Bool, thenDrain: Bool = false) {
        guard !done else { return }
        done = true
        if !thenDrain { timer.close() }
        let close = !thenDrain
        if includeBody && !response.body.isEmpty {
            stream?.write(response.head)
            stream?.write(response.body, thenClose: close)
        } else {
            stream?.write(response.head, thenClose: close)
        }
        if thenDrain {
            draining = true
            timer.start(after: Self.drainMilliseconds) { [weak self] in self?.finishDraining() }
            return
        }
        stream = nil
        server.finished(self)
    }

    private func finishDraining() {
        guard draining else { return }
        draining = false
        timer.close()
        stream?.close()
        stream = nil
        server.finished(self)
    }

    func close() {
        if draining {
            finishDraining()
            return
        }
        guard !done else { return }
        done = true
        timer.close()
        stream?.close()
        stream = nil
        server.finished(self)
    }
}
