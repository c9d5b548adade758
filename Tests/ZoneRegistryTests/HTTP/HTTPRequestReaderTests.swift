import Testing
@testable import ZoneRegistry

@Suite struct HTTPRequestReaderTests {
    @Test func readsARequestSplitAtEveryByte() {
        let request = Array("GET /health?verbose=1 HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        for split in 1..<request.count {
            var reader = HTTPRequestReader()
            #expect(reader.feed(Array(request[..<split])) == .needMore)
            #expect(reader.feed(Array(request[split...])) == .request(method: "GET", path: "/health"))
        }
    }

    @Test func acceptsHTTP10AndBareNewlines() {
        var reader = HTTPRequestReader()
        #expect(reader.feed(Array("HEAD /ready HTTP/1.0\n\n".utf8)) == .request(method: "HEAD", path: "/ready"))
    }

    @Test(arguments: [
        "GET /health\r\n\r\n",
        "GET  /health HTTP/1.1\r\n\r\n",
        "GET health HTTP/1.1\r\n\r\n",
        "GET /health HTTP/2.0\r\n\r\n",
        "get /health HTTP/1.1\r\n\r\n",
        "\u{16}\u{03}\u{01}\u{02}\r\n\r\n",
    ])
    func rejectsMalformedRequestLines(_ text: String) {
        var reader = HTTPRequestReader()
        #expect(reader.feed(Array(text.utf8)) == .bad)
    }

    @Test func closesOnAnOversizedHead() {
        var reader = HTTPRequestReader(limit: 64)
        #expect(reader.feed(Array("GET / HTTP/1.1\r\n".utf8)) == .needMore)
        #expect(reader.feed(Array(repeating: UInt8(ascii: "a"), count: 100)) == .oversized)
    }
}
