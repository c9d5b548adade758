/// Reads one HTTP/1.x request (head, then a `Content-Length` body) from bytes as they arrive,
/// within size bounds: the head within `limit` bytes, the body within `bodyLimit`.
struct HTTPRequestReader {
    enum Result: Equatable {
        case needMore
        case request(HTTPRequest)
        /// Not HTTP/1.x, or a request line or header that does not parse: answer 400 with the reason.
        case bad(String)
        /// No end of head within `limit` bytes: answer 431 and close.
        case oversized
        /// A declared body longer than `bodyLimit`: answer 413 without reading it.
        case bodyTooLarge(declared: Int)
        /// A transfer coding (chunked) this server does not read: RFC 9112 §6.1 says 501.
        case unsupportedTransferCoding
    }

    /// Bytes of request head accepted; CoreDNS's endpoints never need more than a few hundred.
    let limit: Int
    /// Bytes of request body accepted; an override is a few hundred.
    let bodyLimit: Int
    private var bytes: [UInt8] = []
    /// The parsed head and where the body starts, once the head is complete.
    private var head: (request: HTTPRequest, bodyStart: Int, bodyLength: Int)?

    init(limit: Int = 8 * 1024, bodyLimit: Int = 64 * 1024) {
        self.limit = limit
        self.bodyLimit = bodyLimit
    }

    mutating func feed(_ chunk: [UInt8]) -> Result {
        bytes.append(contentsOf: chunk)
        if head == nil {
            guard let end = headEnd() else {
                return bytes.count > limit ? .oversized : .needMore
            }
            if end > limit { return .oversized }
            switch HTTPRequestReader.parseHead(bytes[..<end], bodyLimit: bodyLimit) {
            case .success(let (request, length)): head = (request, end, length)
            case .failure(let failure): return failure.result
            }
        }
        guard let (request, start, length) = head else { return .needMore }
        guard bytes.count >= start + length else { return .needMore }
        var complete = request
        complete.body = Array(bytes[start..<(start + length)])
        return .request(complete)
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

    private struct Failure: Error {
        var result: Result
        static func bad(_ reason: String) -> Failure { Failure(result: .bad(reason)) }
    }

    private static func parseHead(_ head: ArraySlice<UInt8>, bodyLimit: Int) -> Swift.Result<(HTTPRequest, Int), Failure> {
        var lines = head.split(separator: 0x0a, omittingEmptySubsequences: false).map { line in
            line.last == 0x0d ? line.dropLast() : line
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let requestLine = lines.first else { return .failure(.bad("empty request")) }
        guard var request = parseRequestLine(requestLine) else { return .failure(.bad("malformed request line")) }
        for line in lines.dropFirst() {
            guard let (name, value) = parseField(line) else { return .failure(.bad("malformed header field")) }
            request.headers[name] = request.headers[name].map { "\($0), \(value)" } ?? value
        }
        if request.headers["transfer-encoding"] != nil { return .failure(Failure(result: .unsupportedTransferCoding)) }
        guard let declared = request.headers["content-length"] else { return .success((request, 0)) }
        // RFC 9112 §6.3: a list of equal values is one length; anything else is unrecoverable.
        let values = Set(declared.split(separator: ",").map { $0.trimmingSpaces })
        guard values.count == 1, let text = values.first, !text.isEmpty, text.count <= 12,
              text.allSatisfy({ $0.isASCII && $0.isNumber }), let length = Int(text) else {
            return .failure(.bad("invalid Content-Length"))
        }
        if length > bodyLimit { return .failure(Failure(result: .bodyTooLarge(declared: length))) }
        return .success((request, length))
    }

    private static func parseRequestLine(_ line: ArraySlice<UInt8>) -> HTTPRequest? {
        // RFC 9112 §3: method SP request-target SP HTTP-version, printable ASCII only.
        guard line.allSatisfy({ $0 > 0x20 && $0 < 0x7f || $0 == 0x20 }) else { return nil }
        let parts = line.split(separator: 0x20, omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        let method = String(decoding: parts[0], as: UTF8.self)
        let target = String(decoding: parts[1], as: UTF8.self)
        let version = String(decoding: parts[2], as: UTF8.self)
        guard !method.isEmpty, method.allSatisfy({ $0.isUppercase }),
              version == "HTTP/1.1" || version == "HTTP/1.0",
              target.hasPrefix("/") else { return nil }
        let split = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        guard let path = HTTPRequest.percentDecoded(split[0], plusIsSpace: false),
              let query = HTTPRequest.parseQuery(split.count > 1 ? split[1] : "") else { return nil }
        return HTTPRequest(method: method, path: path, query: query)
    }

    /// `Name: value` (RFC 9112 §5); obsolete line folding is refused, as §5.2 allows.
    private static func parseField(_ line: ArraySlice<UInt8>) -> (String, String)? {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else { return nil }
        let name = line[line.startIndex..<colon]
        guard name.allSatisfy(isTokenByte) else { return nil }
        let value = line[(colon + 1)...]
        guard value.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7f) }) else { return nil }
        return (String(decoding: name, as: UTF8.self).lowercased(), String(decoding: value, as: UTF8.self).trimmingSpaces)
    }

    /// RFC 9110 §5.6.2 `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs (HTTP's OWS).
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
