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

/// A peer's response through `HTTPStatusReader`, in the chunks the input chooses; an even
/// chunk size probes with `expect 200-299`, an odd one with `expect_body ready` (so status
/// line, headers, framing and body search are all reached). Whatever the split, the verdict
/// is the one the whole input gives, it comes within the bounds, and `.pass` means the bytes
/// really began with an HTTP/1.x 2xx status line.
final class HTTPStatusFuzzer: FuzzChecker {
    private static let limit = 512
    private static let headerLimit = 512
    private static let bodyLimit = 256

    private static func reader(bodyMode: Bool) -> HTTPStatusReader {
        let expectation = bodyMode
            ? HTTPStatusReader.Expectation(bodyText: "ready")
            : HTTPStatusReader.Expectation(statuses: ExpectedStatus(ranges: [200...299]))
        return HTTPStatusReader(limit: limit, headerLimit: headerLimit, bodyLimit: bodyLimit, expectation: expectation)
    }

    func check(_ input: UnsafeRawBufferPointer) throws(FuzzViolation) {
        let split = FuzzChunks(input)
        let bodyMode = split.chunkSize % 2 == 1
        let bound = Self.limit + Self.headerLimit + (bodyMode ? 2 * Self.bodyLimit : 0)
        var chunked = Self.reader(bodyMode: bodyMode)
        var verdict: ProbeVerdict?
        var fed = 0
        for chunk in split.chunks {
            fed += chunk.count
            if case .verdict(let decided) = chunked.feed(chunk) {
                verdict = decided
                break
            }
            guard fed <= bound else { throw FuzzViolation("no verdict after \(fed) bytes, bound \(bound)") }
        }
        var whole = Self.reader(bodyMode: bodyMode)
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
            guard head.count >= 12, head.starts(with: Array("HTTP/1.".utf8)), head[8] == UInt8(ascii: " "),
                  head[9] == UInt8(ascii: "2"), !bodyMode || Array(head[9..<12]) == Array("200".utf8) else {
                throw FuzzViolation("pass without an HTTP/1.x \(bodyMode ? "200" : "2xx") status line")
            }
        }
    }
}
