/// Reads one HTTP/1.x request head from bytes as they arrive, within a size bound.
/// Only the request line matters to the endpoints; header fields are skipped, not parsed.
struct HTTPRequestReader {
    enum Result: Equatable {
        case needMore
        case request(method: String, path: String)
        /// Not HTTP/1.x, or a request line that does not parse: answer 400.
        case bad
        /// No end of head within `limit` bytes: answer 431 and close.
        case oversized
    }

    /// Bytes of request head accepted; CoreDNS's endpoints never need more than a few hundred.
    let limit: Int
    private var bytes: [UInt8] = []

    init(limit: Int = 8 * 1024) {
        self.limit = limit
    }

    mutating func feed(_ chunk: [UInt8]) -> Result {
        bytes.append(contentsOf: chunk)
        guard let end = headEnd() else {
            return bytes.count > limit ? .oversized : .needMore
        }
        if end > limit { return .oversized }
        return HTTPRequestReader.parseRequestLine(bytes[..<end])
    }

    /// Index just past the blank line ending the head (CRLF CRLF, or bare LF LF as many servers accept).
    private func headEnd() -> Int? {
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x0a {
                if index + 1 < bytes.count && bytes[index + 1] == 0x0a { return index + 2 }
                if index + 2 < bytes.count && bytes[index + 1] == 0x0d && bytes[index + 2] == 0x0a { return index + 3 }
            }
            index += 1
        }
        return nil
    }

    private static func parseRequestLine(_ head: ArraySlice<UInt8>) -> Result {
        let lineEnd = head.firstIndex(of: 0x0a) ?? head.endIndex
        var line = head[head.startIndex..<lineEnd]
        if line.last == 0x0d { line = line.dropLast() }
        // RFC 9112 §3: method SP request-target SP HTTP-version, printable ASCII only.
        guard line.allSatisfy({ $0 > 0x20 && $0 < 0x7f || $0 == 0x20 }) else { return .bad }
        let parts = line.split(separator: 0x20, omittingEmptySubsequences: false)
        guard parts.count == 3 else { return .bad }
        let method = String(decoding: parts[0], as: UTF8.self)
        let target = String(decoding: parts[1], as: UTF8.self)
        let version = String(decoding: parts[2], as: UTF8.self)
        guard !method.isEmpty, method.allSatisfy({ $0.isUppercase }),
              version == "HTTP/1.1" || version == "HTTP/1.0",
              target.hasPrefix("/") else { return .bad }
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? target
        return .request(method: method, path: path)
    }
}
