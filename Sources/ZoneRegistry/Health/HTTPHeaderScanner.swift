/// Reads an HTTP/1.x header section line by line (RFC 9112 §5) up to the blank line that ends
/// it, keeping only what frames the body: `Content-Length` and `Transfer-Encoding`. Lines
/// end in CRLF or a bare LF (RFC 9112 §2.2); a line it cannot read as `name: value` is
/// skipped, not failed: a health checker judges the status and the body, not header syntax.
///
/// A plain value owned by one `HTTPStatusReader`.
struct HTTPHeaderScanner: Sendable {
    /// Bytes of the current line kept for parsing; a longer line is not one of the two
    /// headers this scanner reads (their values are short), so only its length is counted.
    private static let keptLineLength = 256

    private var line: [UInt8] = []
    private var lineLength = 0
    private(set) var contentLength: Int?
    private(set) var chunked = false

    /// Takes one byte; true when it ended the header section.
    mutating func step(_ byte: UInt8) -> Bool {
        guard byte == UInt8(ascii: "\n") else {
            lineLength += 1
            if lineLength <= Self.keptLineLength { line.append(byte) }
            return false
        }
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        defer {
            line.removeAll(keepingCapacity: true)
            lineLength = 0
        }
        if line.isEmpty && lineLength <= 1 { return true }
        if lineLength <= Self.keptLineLength { header(line) }
        return false
    }

    /// The framing headers of RFC 9112 §6.3: chunked when it is the final transfer coding
    /// (it then wins over any Content-Length), else a valid Content-Length, else the body runs
    /// to the close.
    private mutating func header(_ line: [UInt8]) {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return }
        let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
        let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingWhitespace
        switch name {
        case "content-length":
            if let length = Int(value), length >= 0, value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                contentLength = length
            }
        case "transfer-encoding":
            let last = value.split(separator: ",").last.map { String($0).trimmingWhitespace.lowercased() }
            chunked = last == "chunked"
        default:
            break
        }
    }
}

extension String {
    /// Without leading and trailing spaces and tabs (RFC 9110 §5.5 OWS).
    var trimmingWhitespace: String {
        let isSpace = { (c: Character) in c == " " || c == "\t" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
