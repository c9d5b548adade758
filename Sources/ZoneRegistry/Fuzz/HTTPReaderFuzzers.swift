/// A request from an HTTP client through `HTTPRequestReader`, in the chunks the input
/// chooses (`FuzzChunks`). Whatever the split, the reader decides as it would on the whole
/// input at once, never buffers far past its bounds, and a request it accepts is well formed.
final class HTTPRequestFuzzer: FuzzChecker {
    private static let limit = 1024
    private static let bodyLimit = 256

    func check(_ input: UnsafeRawBufferPointer) throws(FuzzViolation) {
        let split = FuzzChunks(input)
        var chunked = HTTPRequestReader(limit: Self.limit, bodyLimit: Self.bodyLimit)
        var fed = 0
        var result = HTTPRequestReader.Result.needMore
        for chunk in split.chunks {
            fed += chunk.count
            result = chunked.feed(chunk)
            if result != .needMore { break }
            // Past the head's bound without a head end the connection is closed; a body is
            // read only when declared within its own bound.
            guard fed <= Self.limit + Self.bodyLimit else {
                throw FuzzViolation("still reading after \(fed) bytes, limits \(Self.limit) + \(Self.bodyLimit)")
            }
        }
        var whole = HTTPRequestReader(limit: Self.limit, bodyLimit: Self.bodyLimit)
        let wholeResult = whole.feed(Array(split.payload))
        guard result == wholeResult else {
            throw FuzzViolation("chunks of \(split.chunkSize) give \(result), whole input gives \(wholeResult)")
        }
        if case .request(let request) = result {
            guard !request.method.isEmpty, request.path.hasPrefix("/") else {
                throw FuzzViolation("accepted a malformed request line: \(request.method) \(request.path)")
            }
            let declared = request.header("content-length")?.split(separator: ",").first.flatMap { Int($0.trimmingSpaces) } ?? 0
            guard request.body.count == declared, declared <= Self.bodyLimit else {
                throw FuzzViolation("body of \(request.body.count) bytes, declared \(declared)")
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
