import Testing
@testable import ZoneRegistry

@Suite struct HTTPStatusReaderTests {
    private func verdict(_ text: String, limit: Int = HTTPStatusReader.defaultLimit) -> HTTPStatusReader.Progress {
        var reader = HTTPStatusReader(limit: limit)
        return reader.feed(Array(text.utf8))
    }

    @Test(arguments: [
        ("HTTP/1.1 200 OK\r\n", ProbeVerdict.pass),
        ("HTTP/1.0 200 OK\r\n", .pass),
        ("HTTP/1.1 200\r\n", .pass),
        ("HTTP/1.1 200 \r\n", .pass),
        ("HTTP/1.1 200 OK\n", .pass),
        ("HTTP/1.1 503 Service Unavailable\r\n", .status(503)),
        ("HTTP/1.1 301 Moved Permanently\r\nLocation: /x\r\n\r\n", .status(301)),
        ("HTTP/1.1 404 Not Found\r\n", .status(404)),
        ("HTTP/1.0 204 No Content\r\n", .status(204)),
    ])
    func statusLineDecidesTheVerdict(text: String, expected: ProbeVerdict) {
        #expect(verdict(text) == .verdict(expected))
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

    @Test func statusLineSplitAtEveryByteGivesTheSameVerdict() {
        let cases: [(String, ProbeVerdict)] = [
            ("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK", .pass),
            ("HTTP/1.0 503 Service Unavailable\r\n\r\n", .status(503)),
            ("HTTP/1.1 301 Moved\r\n", .status(301)),
            ("HTTP/1.1 2x0 OK\r\n", .garbage),
        ]
        for (text, expected) in cases {
            let bytes = Array(text.utf8)
            for cut in 0...bytes.count {
                var reader = HTTPStatusReader()
                let first = reader.feed(bytes[..<cut])
                let second = reader.feed(bytes[cut...])
                let outcome = first == .needMore ? second : first
                #expect(outcome == .verdict(expected), "split at \(cut) of \(text.debugDescription)")
            }
        }
    }

    @Test func statusLineFedOneByteAtATimeNeedsMoreUntilTheLineEnds() {
        let bytes = Array("HTTP/1.1 200 OK\r\n".utf8)
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
        #expect(verdict("HTTP/1.1 200 OK\r\n", limit: 17) == .verdict(.pass))
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
