import Testing
@testable import ZoneRegistry

@Suite struct HTTPRequestReaderTests {
    @Test func readsARequestSplitAtEveryByte() {
        let request = Array("GET /health?verbose=1 HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        for split in 1..<request.count {
            var reader = HTTPRequestReader()
            #expect(reader.feed(Array(request[..<split])) == .needMore)
            guard case .request(let parsed) = reader.feed(Array(request[split...])) else {
                Issue.record("no request at split \(split)")
                continue
            }
            #expect(parsed.method == "GET" && parsed.path == "/health" && parsed.queryValue("verbose") == "1")
            #expect(parsed.header("HOST") == "x")
        }
    }

    @Test func acceptsHTTP10AndBareNewlines() {
        var reader = HTTPRequestReader()
        #expect(reader.feed(Array("HEAD /ready HTTP/1.0\n\n".utf8)) == .request(HTTPRequest(method: "HEAD", path: "/ready")))
    }

    @Test func decodesQueryAndPathEscapes() throws {
        var reader = HTTPRequestReader()
        let result = reader.feed(Array("PUT /overrides/prod%31?select=cluster-env%3Ddev&x=a+b HTTP/1.1\r\n\r\n".utf8))
        guard case .request(let request) = result else { throw Failure.notARequest(result) }
        #expect(request.path == "/overrides/prod1")
        #expect(request.query == [.init(name: "select", value: "cluster-env=dev"), .init(name: "x", value: "a b")])
    }

    @Test func readsABodyOfContentLengthArrivingInPieces() throws {
        var reader = HTTPRequestReader()
        let head = "PUT /overrides/p HTTP/1.1\r\nAuthorization: Bearer abc\r\nContent-Length: 14\r\n\r\n"
        #expect(reader.feed(Array(head.utf8)) == .needMore)
        #expect(reader.feed(Array(#"{"state":"#.utf8)) == .needMore)
        let result = reader.feed(Array(#""up"}"#.utf8))
        guard case .request(let request) = result else { throw Failure.notARequest(result) }
        #expect(String(decoding: request.body, as: UTF8.self) == #"{"state":"up"}"#)
        #expect(request.header("authorization") == "Bearer abc")
    }

    @Test func refusesABodyOverTheLimitFromItsDeclaredLength() {
        var reader = HTTPRequestReader(bodyLimit: 1024)
        #expect(reader.feed(Array("PUT /o HTTP/1.1\r\nContent-Length: 1048576\r\n\r\n".utf8)) == .bodyTooLarge(declared: 1_048_576))
    }

    @Test func refusesChunkedBodies() {
        var reader = HTTPRequestReader()
        #expect(reader.feed(Array("PUT /o HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)) == .unsupportedTransferCoding)
    }

    @Test(arguments: [
        ("GET /health\r\n\r\n", "malformed request line"),
        ("GET  /health HTTP/1.1\r\n\r\n", "malformed request line"),
        ("GET health HTTP/1.1\r\n\r\n", "malformed request line"),
        ("GET /health HTTP/2.0\r\n\r\n", "malformed request line"),
        ("get /health HTTP/1.1\r\n\r\n", "malformed request line"),
        ("GET /a%zz HTTP/1.1\r\n\r\n", "malformed request line"),
        ("\u{16}\u{03}\u{01}\u{02}\r\n\r\n", "malformed request line"),
        ("GET / HTTP/1.1\r\nNo colon here\r\n\r\n", "malformed header field"),
        ("GET / HTTP/1.1\r\n folded: x\r\n\r\n", "malformed header field"),
        ("PUT / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", "invalid Content-Length"),
        ("PUT / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", "invalid Content-Length"),
    ])
    func rejectsMalformedRequests(_ text: String, reason: String) {
        var reader = HTTPRequestReader()
        #expect(reader.feed(Array(text.utf8)) == .bad(reason))
    }

    @Test func closesOnAnOversizedHead() {
        var reader = HTTPRequestReader(limit: 64)
        #expect(reader.feed(Array("GET / HTTP/1.1\r\n".utf8)) == .needMore)
        #expect(reader.feed(Array(repeating: UInt8(ascii: "a"), count: 100)) == .oversized)
    }

    enum Failure: Error { case notARequest(HTTPRequestReader.Result) }
}
