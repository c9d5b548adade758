/// Looks for `expect_body`'s text in the first `limit` bytes of a response body, framed as
/// the headers said (RFC 9112 §6.3): `Content-Length` bytes, `chunked` (decoded, so a
/// chunk boundary inside the text does not hide it), or up to the close. The answer comes
/// as soon as it is known: the text found, or the body (or the limit) ended without it.
///
/// A plain value owned by one `HTTPStatusReader`; keeps at most `limit` body bytes.
struct HTTPBodyMatcher: Sendable {
    enum Framing: Sendable, Equatable {
        case length(Int)
        case chunked
        case untilClose
    }

    enum Outcome: Sendable, Equatable {
        case found
        case lacking
        case badChunk
    }

    private let needle: [UInt8]
    private let limit: Int
    private var framing: Framing
    private var body: [UInt8] = []
    private var searchedUpTo = 0
    private var chunk = ChunkState.size(digits: 0, value: 0)
    /// Bytes taken off the wire, framing included: chunk lines (extensions may run on) must
    /// not let a peer keep a probe reading past twice the body bound.
    private var wireBytes = 0

    private enum ChunkState: Sendable, Equatable {
        case size(digits: Int, value: Int)
        /// After the size: a chunk extension (ignored) up to the line end.
        case sizeLine(value: Int)
        case data(remaining: Int)
        /// The CRLF after a chunk's data; `sawCR` once its CR came.
        case dataEnd(sawCR: Bool)
    }

    init(needle: [UInt8], framing: Framing, limit: Int) {
        self.needle = needle
        self.framing = framing
        self.limit = limit
    }

    /// Takes the next body bytes (as they came off the wire); nil while undecided.
    mutating func feed(_ bytes: ArraySlice<UInt8>) -> Outcome? {
        switch framing {
        case .length(let remaining):
            let taken = bytes.prefix(remaining)
            framing = .length(remaining - taken.count)
            if let outcome = append(taken) { return outcome }
            return remaining - taken.count == 0 ? .lacking : nil
        case .untilClose:
            return append(bytes)
        case .chunked:
            return dechunk(bytes)
        }
    }

    /// The close ended the body: whatever came is all there is.
    func endOfStream() -> Outcome { .lacking }

    private mutating func append(_ bytes: ArraySlice<UInt8>) -> Outcome? {
        body += bytes.prefix(limit - body.count)
        // Resume where the last search could still have started a match.
        let start = max(0, searchedUpTo - needle.count + 1)
        if needle.isEmpty || contains(from: start) { return .found }
        searchedUpTo = body.count
        return body.count >= limit ? .lacking : nil
    }

    private func contains(from start: Int) -> Bool {
        guard body.count >= needle.count else { return false }
        var index = start
        while index + needle.count <= body.count {
            if body[index] == needle[0], body[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }

    /// RFC 9112 §7.1: `chunk-size [ext] CRLF data CRLF`, ending at size 0 (trailers are not
    /// read: the body is complete there). Bare LF is accepted as a line end. Counted byte by
    /// byte against the wire bound, so the outcome does not depend on how the bytes arrive.
    private mutating func dechunk(_ bytes: ArraySlice<UInt8>) -> Outcome? {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            guard wireBytes < 2 * limit else { return .lacking }
            let byte = bytes[index]
            switch chunk {
            case .size(let digits, let value):
                if let digit = hexValue(byte) {
                    // Sizes past the limit need not be exact: only `limit` bytes are kept.
                    guard digits < 8 else { return .badChunk }
                    chunk = .size(digits: digits + 1, value: value * 16 + digit)
                } else if digits > 0, byte == UInt8(ascii: ";") || byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") {
                    chunk = .sizeLine(value: value)
                } else if digits > 0, byte == UInt8(ascii: "\n") {
                    if value == 0 { return .lacking }
                    chunk = .data(remaining: value)
                } else {
                    return .badChunk
                }
            case .sizeLine(let value):
                if byte == UInt8(ascii: "\n") {
                    if value == 0 { return .lacking }
                    chunk = .data(remaining: value)
                }
            case .data(let remaining):
                let end = min(bytes.endIndex, index + remaining, index + (2 * limit - wireBytes))
                wireBytes += end - index
                if let outcome = append(bytes[index..<end]) { return outcome }
                chunk = end - index == remaining ? .dataEnd(sawCR: false) : .data(remaining: remaining - (end - index))
                index = end
                continue
            case .dataEnd(let sawCR):
                if byte == UInt8(ascii: "\r"), !sawCR {
                    chunk = .dataEnd(sawCR: true)
                } else if byte == UInt8(ascii: "\n") {
                    chunk = .size(digits: 0, value: 0)
                } else {
                    return .badChunk
                }
            }
            wireBytes += 1
            index += 1
        }
        return nil
    }

    private func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A")) + 10
        default: nil
        }
    }
}
