import Foundation
import Testing

/// SPEC §3/§6: `/health`, `/ready` and `/metrics` as a kubelet, Prometheus and an operator
/// with curl see them, and every error path of the small HTTP server behind them.
/// `health` and `prometheus` share 127.0.5.20:8080; `ready` has 127.0.5.21:8080. The one peer
/// (127.0.5.22) answers its probe after 1.5 s, so the first probe round takes that long.
@Suite(.serialized) final class HTTPEndpointEndToEndTests {
    static let corefile = """
        .:PORT {
            bind 127.0.5.20
            whoami
            health 127.0.5.20:8080 {
                lameduck 2s
            }
            prometheus 127.0.5.20:8080
            ready 127.0.5.21:8080
            zoneregistry service.example.test {
                interval 5
                timeout 3s
                peer slow.service.example.test {
                    ipv4 127.0.5.22
                }
            }
        }
        """
    static let health = "http://127.0.5.20:8080/health"
    static let metrics = "http://127.0.5.20:8080/metrics"
    static let ready = "http://127.0.5.21:8080/ready"

    let peer: PeerProcess
    let daemon: DaemonProcess

    init() throws {
        peer = try PeerProcess(address: "127.0.5.22", delay: 1.5)
        daemon = try DaemonProcess(corefile: Self.corefile)
    }

    @Test func healthAnswers200OKAndHEADGetsTheSameHeadWithoutTheBody() throws {
        let get = try Curl.get(Self.health)
        #expect(get.status == 200)
        #expect(get.body == "OK")
        #expect(get.headers["content-type"] == "text/plain; charset=utf-8")
        #expect(get.headers["connection"] == "close")
        let head = try Curl.run(Self.health, options: ["--head"])
        #expect(head.status == 200)
        #expect(head.headers["content-length"] == "2")
        #expect(head.body.isEmpty)
        // HTTP/1.0 clients (old load balancers) are answered too.
        #expect(try Curl.run(Self.health, options: ["--http1.0"]).status == 200)
    }

    @Test func readyIs503UntilTheFirstProbeRoundEndsThen200AndAgain503DuringLameduck() throws {
        let before = try Curl.get(Self.ready)
        #expect(before.status == 503)
        #expect(before.body == "probing service.example.test.\n")
        #expect(try eventually(timeout: 4) { try Curl.get(Self.ready).status == 200 })
        #expect(try Curl.get(Self.ready).body == "OK")

        daemon.signal(SIGTERM)
        #expect(daemon.waitForLog("plugin/health: Going into lameduck mode for 2s", timeout: 1))
        let lameduck = try Curl.get(Self.ready)
        #expect(lameduck.status == 503)
        #expect(lameduck.body == "lameduck\n")
        // Liveness stays green and DNS keeps answering: only readiness sends traffic away.
        #expect(try Curl.get(Self.health).status == 200)
        #expect(try Dig.query("x.example.org", "A", port: daemon.port, server: "127.0.5.20").status == "NOERROR")
        #expect(daemon.waitForExit() == 0)
        #expect(try Curl.get(Self.ready).status == 0)
    }

    @Test func metricsSharesTheHealthAddressAndServesPrometheusText() throws {
        let metrics = try Curl.get(Self.metrics)
        #expect(metrics.status == 200)
        #expect(metrics.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        #expect(metrics.body.contains("# TYPE coredns_build_info gauge\n"))
        #expect(try Curl.get(Self.health).body == "OK")
        // Each path lives only where its directive put it.
        #expect(try Curl.get("http://127.0.5.21:8080/metrics").status == 404)
        #expect(try Curl.get("http://127.0.5.20:8080/ready").status == 404)
    }

    @Test func unknownPathsAre404AndOtherMethods405() throws {
        let unknown = try Curl.get("http://127.0.5.20:8080/healthz")
        #expect(unknown.status == 404)
        #expect(unknown.body == "404 page not found\n")
        #expect(try Curl.get("http://127.0.5.20:8080/").status == 404)
        // The query string is not part of the path.
        #expect(try Curl.get(Self.health + "?verbose=1").status == 200)
        #expect(try Curl.run(Self.health, options: ["-X", "POST", "-d", "x"]).status == 405)
    }

    @Test func malformedRequestLinesAre400() throws {
        #expect(try Curl.run(Self.health, options: ["--request-target", "/health now"]).status == 400)
        #expect(try Curl.run(Self.health, options: ["--request-target", "*"]).status == 400)
        #expect(try Curl.run(Self.health, options: ["-X", "get"]).status == 400)
        for request in ["GARBAGE\r\n\r\n", "GET /health HTTP/2.0\r\n\r\n", "GET /health\r\n\r\n", "\u{1}\u{2}\u{3}\r\n\r\n"] {
            let exchange = try RawHTTPClient.exchange(host: "127.0.5.20", port: 8080, sending: Array(request.utf8))
            #expect(exchange.statusLine == "HTTP/1.1 400 Bad Request", "\(request.debugDescription)")
            #expect(exchange.closedAfter != nil)
        }
    }

    @Test func oversizedHeadsAre431AndClosed() throws {
        let head = "GET /health HTTP/1.1\r\nHost: x\r\nX-Filler: " + String(repeating: "a", count: 9_000) + "\r\n\r\n"
        let exchange = try RawHTTPClient.exchange(host: "127.0.5.20", port: 8080, sending: Array(head.utf8))
        #expect(exchange.statusLine == "HTTP/1.1 431 Request Header Fields Too Large")
        #expect(exchange.closedAfter != nil)
        // A head just under the 8 KiB bound is fine.
        let fits = "GET /health HTTP/1.1\r\nX-Filler: " + String(repeating: "a", count: 8_000) + "\r\n\r\n"
        #expect(try RawHTTPClient.exchange(host: "127.0.5.20", port: 8080, sending: Array(fits.utf8)).statusLine == "HTTP/1.1 200 OK")
    }

    @Test func clientsThatSendNothingOrTrickleAreClosedAfterTheFiveSecondRequestTimeout() throws {
        let requests: [[UInt8]] = [[], Array("GET /health HTTP/1.1\r\nHost: 127.0.5.20\r\n".utf8)]
        let results = ExchangeResults()
        let group = DispatchGroup()
        for (index, request) in requests.enumerated() {
            DispatchQueue.global().async(group: group) {
                let exchange = try? RawHTTPClient.exchange(host: "127.0.5.20", port: 8080, sending: request, timeout: 10)
                results.set(index, exchange)
            }
        }
        // Meanwhile the server still answers everyone else.
        usleep(200_000)
        #expect(try Curl.get(Self.health).status == 200)
        group.wait()
        let exchanges = requests.indices.map { results.get($0) }
        for exchange in exchanges {
            let closedAfter = try #require(exchange?.closedAfter)
            #expect(closedAfter >= 4.8 && closedAfter <= 6, "closed after \(closedAfter) s")
            #expect(exchange?.statusLine == "HTTP/1.1 408 Request Timeout")
        }
    }
}

/// Exchanges finished on other threads, collected for the test's thread.
private final class ExchangeResults: @unchecked Sendable {
    private let lock = NSLock()
    private var exchanges: [Int: RawHTTPClient.Exchange] = [:]

    func set(_ index: Int, _ exchange: RawHTTPClient.Exchange?) {
        lock.withLock { exchanges[index] = exchange }
    }

    func get(_ index: Int) -> RawHTTPClient.Exchange? {
        lock.withLock { exchanges[index] }
    }
}
