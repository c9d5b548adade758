/// A request head from an HTTP client through `HTTPRequestReader`, in the chunks the input
/// chooses (`FuzzChunks`). Whatever the split, the reader decides as it would on the whole
/// input at once, never buffers far past its bound, and a request it accepts is well formed.
final class HTTPRequestFuzzer: FuzzChecker {
    private static let limit = 1024

    func check(_ input: UnsafeRawBufferPointer) throws(FuzzViolation) {
        let split = FuzzChunks(input)
        var chunked = HTTPRequestReader(limit: Self.limit)
        var fed = 0
        var result = HTTPRequestReader.Result.needMore
        for chunk in split.chunks {
            fed += chunk.count
            result = chunked.feed(chunk)
            if result != .needMore { break }
            // The connection is closed as oversized once this many bytes came without a head end.
            guard fed <= Self.limit else { throw FuzzViolation("still reading after \(fed) bytes, limit \(Self.limit)") }
        }
        var whole = HTTPRequestReader(limit: Self.limit)
        let wholeResult = whole.feed(Array(split.payload))
        guard result == wholeResult else {
            throw FuzzViolation("chunks of \(split.chunkSize) give \(result), whole input gives \(wholeResult)")
        }
        if case .request(let method, let path) = result {
            guard !method.isEmpty, path.hasPrefix("/"), !path.contains("?"), !path.contains(" ") else {
                throw FuzzViolation("accepted a malformed request line: \(method) \(path)")
            }
        }
    }
}

/// A peer's response through `HTTPStatusReader`, in the chunks the input chooses. Whatever the
/// split, the verdict is the one the whole input gives, it comes within the line bound, and
/// `.pass` means the bytes really began with an HTTP/1.x 200 status line.
final class HTTPStatusFuzzer: FuzzChecker {
    private static let limit = 512

    func check(_ input: UnsafeRawBufferPointer) throws(FuzzViolation) {
        let split = FuzzChunks(input)
        var chunked = HTTPStatusReader(limit: Self.limit)
        var verdict: ProbeVerdict?
        var fed = 0
        for chunk in split.chunks {
            fed += chunk.count
            if case .verdict(let decided) = chunked.feed(chunk) {
                verdict = decided
                break
            }
            guard fed < Self.limit else { throw FuzzViolation("no verdict after \(fed) bytes, limit \(Self.limit)") }
        }
        var whole = HTTPStatusReader(limit: Self.limit)
        let wholeVerdict: ProbeVerdict
        switch whole.feed(split.payload) {
        case .verdict(let decided): wholeVerdict = decided
        case .needMore: wholeVerdict = whole.endOfStream()
        }
        let chunkedVerdict = verdict ?? chunked.endOfStream()
        guard chunkedVerdict == wholeVerdict else {
            throw FuzzViolation("chunks of \(split.chunkSize) give \(chunkedVerdict), whole input gives \(wholeVerdict)")
        }
        if chunkedVerdict == .pass {
            let head = Array(split.payload.prefix(13))
            guard head.count >= 12,
                  head.starts(with: Array("HTTP/1.".utf8)), Array(head[8..<12]) == Array(" 200".utf8) else {
                throw FuzzViolation("pass without an HTTP/1.x 200 status line")
            }
        }
    }
}
