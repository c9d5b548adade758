import Testing
@testable import ZoneRegistry


@Suite struct HTTPStatusReaderTests {
    private func verdict(_ text: String, limit: Int = HTTPStatusReader.defaultLimit,
                         expect: HTTPStatusReader.Expectation = .init()) -> HTTPStatusReader.Progress {
        var reader = HTTPStatusReader(limit: limit, expectation: expect)
        return reader.feed(Array(text.utf8))
    }

    @Test(arguments: [
        ("HTTP/1.1 200 OK\r\n\r\n", ProbeVerdict.pass),
        ("HTTP/1.0 200 OK\r\nServer: x\r\n\r\n", .pass),
        ("HTTP/1.1 200\r\n\r\n", .pass),
        ("HTTP/1.1 200 \r\n\r\n", .pass),
        ("HTTP/1.1 200 OK\n\n", .pass),
        ("HTTP/1.1 200 OK\r\nContent-Length: 3\n\r\nOK\n", .pass),
        // A status `expect` does not list fails at the status line, without the headers.
        ("HTTP/1.1 503 Service Unavailable\r\n", .status(503)),
        ("HTTP/1.1 301 Moved Permanently\r\nLocation: /x\r\n\r\n", .status(301)),
        ("HTTP/1.1 404 Not Found\r\n", .status(404)),
        ("HTTP/1.0 204 No Content\r\n", .status(204)),
    ])
    func statusLineDecidesTheVerdict(text: String, expected: ProbeVerdict) {
        #expect(verdict(text) == .verdict(expected))
    }

    @Test func aListedStatusWaitsForTheEndOfTheHeaders() {
        var reader = HTTPStatusReader()
        #expect(reader.feed(Array("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n".utf8)) == .needMore)
        #expect(reader.endOfStream() == .closedInHeaders)
        #expect(reader.feed(Array("\r\n".utf8)) == .verdict(.pass))
    }

    @Test(arguments: [
        ("200-399", "HTTP/1.1 302 Found\r\nLocation: /\r\n\r\n", ProbeVerdict.pass),
        ("200-299 301", "HTTP/1.1 301 Moved\r\n\r\n", .pass),
        ("200-299 301", "HTTP/1.1 302 Found\r\n", .status(302, expected: ExpectedStatus(ranges: [200...299, 301...301]))),
        ("503", "HTTP/1.1 503 Unavailable\r\n\r\n", .pass),
        ("503", "HTTP/1.1 200 OK\r\n", .status(200, expected: ExpectedStatus(ranges: [503...503]))),
    ] as [(String, String, ProbeVerdict)])
    func expectListsTheCodesThatPass(expect: String, text: String, expected: ProbeVerdict) {
        let ranges = expect.split(separator: " ").map { part -> ClosedRange<Int> in
            let bounds = part.split(separator: "-").map { Int($0)! }
            return bounds[0]...(bounds.last!)
        }
        #expect(verdict(text, expect: .init(statuses: ExpectedStatus(ranges: ranges))) == .verdict(expected))
    }

    @Test(arguments: [
        ("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nready\n", ProbeVerdict.pass),
        ("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nstarting\n", .bodyLacks("ready")),
        ("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nreadyX", .bodyLacks("ready")),
        ("HTTP/1.1 200 OK\r\ncontent-length:0\r\n\r\n", .bodyLacks("ready")),
        ("HTTP/1.1 204 No Content\r\n\r\n", .status(204)),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nrea\r\n2;x=y\r\ndy\r\n0\r\n\r\n", .pass),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\nContent-Length: 2\r\n\r\nA\r\n{\"ready\":1}\r\n", .pass),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nstart\r\n0\r\n\r\n", .bodyLacks("ready")),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", .badChunkedBody),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", .badChunkedBody),
    ] as [(String, ProbeVerdict)])
    func expectBodyLooksForTheTextInTheFramedBody(text: String, expected: ProbeVerdict) {
        #expect(verdict(text, expect: .init(bodyText: "ready")) == .verdict(expected))
    }

    @Test func aBodyRunningToTheCloseIsJudgedAtTheClose() {
        var reader = HTTPStatusReader(expectation: .init(bodyText: "ready"))
        #expect(reader.feed(Array("HTTP/1.1 200 OK\r\n\r\nstill starting".utf8)) == .needMore)
        #expect(reader.endOfStream() == .bodyLacks("ready"))
        var later = HTTPStatusReader(expectation: .init(bodyText: "ready"))
        #expect(later.feed(Array("HTTP/1.1 200 OK\r\n\r\nnot yet, ".utf8)) == .needMore)
        #expect(later.feed(Array("now rea".utf8)) == .needMore)
        #expect(later.feed(Array("dy".utf8)) == .verdict(.pass), "the text split across reads")
    }

    @Test func onlyTheFirst64KiBOfTheBodyAreSearched() {
        let filler = String(repeating: "x", count: HTTPStatusReader.bodyLimit - 3)
        #expect(verdict("HTTP/1.1 200 OK\r\n\r\n" + filler + "ready", expect: .init(bodyText: "ready")) == .verdict(.bodyLacks("ready")))
        #expect(verdict("HTTP/1.1 200 OK\r\n\r\n" + filler.dropLast(2) + "ready", expect: .init(bodyText: "ready")) == .verdict(.pass))
    }

    @Test func chunkFramingThatRunsOnIsCutAtTwiceTheBodyBoundWhateverTheReads() {
        let head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        let text = head + "5;" + String(repeating: "e", count: 300) + "\r\nready\r\n0\r\n\r\n"
        let bytes = Array(text.utf8)
        var whole = HTTPStatusReader(bodyLimit: 128, expectation: .init(bodyText: "ready"))
        #expect(whole.feed(bytes) == .verdict(.bodyLacks("ready")), "300 bytes of extension pass 2 × 128")
        for size in [1, 7, 64] {
            var reader = HTTPStatusReader(bodyLimit: 128, expectation: .init(bodyText: "ready"))
            var outcome = HTTPStatusReader.Progress.needMore
            for start in stride(from: 0, to: bytes.count, by: size) where outcome == .needMore {
                outcome = reader.feed(bytes[start..<min(start + size, bytes.count)])
            }
            #expect(outcome == .verdict(.bodyLacks("ready")), "reads of \(size)")
        }
    }

    @Test func headersWithoutEndWithinTheBoundAreTooLong() {
        let long = "HTTP/1.1 200 OK\r\n" + String(repeating: "X-Filler: 0123456789\r\n", count: 1000)
        #expect(verdict(long) == .verdict(.headersTooLong))
    }

    @Test(arguments: [
        "SSH-2.0-OpenSSH_9.2\r\n",
        "HTTP/2 200\r\n",
        "HTTP/1.2 200 OK\r\n",
        "http/1.1 200 OK\r\n",
        "HTTP/1.1  200 OK\r\n",
        "HTTP/1.1 20 OK\r\n",
        "HTTP/1.1 2000 OK\r\n",
        "HTTP/1.1 200OK\r\n",
        "HTTP/1.1 200 OK\rX",
        "HTTP/1.1 200 O\u{0}K\r\n",
        "\r\n",
        "<html>",
    ])
    func anythingButAStatusLineIsGarbage(text: String) {
        #expect(verdict(text) == .verdict(.garbage))
    }

    @Test func garbageIsDecidedAtTheFirstWrongByte() {
        var reader = HTTPStatusReader()
        #expect(reader.feed(Array("HTTP".utf8)) == .needMore)
        #expect(reader.feed(Array("X".utf8)) == .verdict(.garbage))
    }

    @Test func responseSplitAtEveryByteGivesTheSameVerdict() {
        let cases: [(String, HTTPStatusReader.Expectation, ProbeVerdict)] = [
            ("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK", .init(), .pass),
            ("HTTP/1.0 503 Service Unavailable\r\n\r\n", .init(), .status(503)),
            ("HTTP/1.1 301 Moved\r\n", .init(), .status(301)),
            ("HTTP/1.1 2x0 OK\r\n", .init(), .garbage),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nrea\r\n2\r\ndy\r\n0\r\n\r\n", .init(bodyText: "ready"), .pass),
            ("HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nstarting", .init(bodyText: "ready"), .bodyLacks("ready")),
        ]
        for (text, expectation, expected) in cases {
            let bytes = Array(text.utf8)
            for cut in 0...bytes.count {
                var reader = HTTPStatusReader(expectation: expectation)
                let first = reader.feed(bytes[..<cut])
                let second = reader.feed(bytes[cut...])
                let outcome = first == .needMore ? second : first
                #expect(outcome == .verdict(expected), "split at \(cut) of \(text.debugDescription)")
            }
        }
    }

    @Test func responseFedOneByteAtATimeNeedsMoreUntilTheHeadersEnd() {
        let bytes = Array("HTTP/1.1 200 OK\r\nServer: t\r\n\r\n".utf8)
        var reader = HTTPStatusReader()
        for byte in bytes.dropLast() {
            #expect(reader.feed([byte]) == .needMore)
        }
        #expect(reader.feed([bytes.last!]) == .verdict(.pass))
    }

    @Test func lineWithoutEndWithinTheBoundIsOversized() {
        let long = "HTTP/1.1 200 " + String(repeating: "x", count: 5000)
        #expect(verdict(long) == .verdict(.oversized))
        #expect(verdict("HTTP/1.1 200 OKOK\r\n", limit: 16) == .verdict(.oversized))
        #expect(verdict("HTTP/1.1 200 OK\r\n\r\n", limit: 17) == .verdict(.pass))
    }

    @Test func oversizedAcrossManyChunks() {
        var reader = HTTPStatusReader(limit: 64)
        #expect(reader.feed(Array("HTTP/1.1 200 ".utf8)) == .needMore)
        var outcome = HTTPStatusReader.Progress.needMore
        for _ in 0..<10 where outcome == .needMore {
            outcome = reader.feed(Array(repeating: UInt8(ascii: "a"), count: 10))
        }
        #expect(outcome == .verdict(.oversized))
    }

    @Test func verdictStaysOnceDecided() {
        var reader = HTTPStatusReader()
        #expect(reader.feed(Array("HTTP/1.1 503 No\r\n".utf8)) == .verdict(.status(503)))
        #expect(reader.feed(Array("garbage".utf8)) == .verdict(.status(503)))
        #expect(reader.endOfStream() == .status(503))
    }

    @Test func streamEndingBeforeTheLineEndsClosedEarly() {
        var reader = HTTPStatusReader()
        #expect(reader.endOfStream() == .closedEarly)
        #expect(reader.feed(Array("HTTP/1.1 200 OK".utf8)) == .needMore)
        #expect(reader.endOfStream() == .closedEarly)
    }
}
