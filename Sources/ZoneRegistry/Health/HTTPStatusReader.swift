/// Reads an HTTP/1.x response as bytes arrive and turns it into a verdict (SPEC §5, §12): the
/// status line first — `.garbage` as soon as the bytes cannot begin `HTTP/1.0 NNN` or
/// `HTTP/1.1 NNN`, `.oversized` when the line does not end within `limit` bytes, `.status`
/// at once for a code `expect` does not list — then the header section, which must end
/// within `headerLimit` bytes, then with `expect_body` the body, until its text is found or
/// the first `bodyLimit` bytes lack it. Without `expect_body` the verdict comes at the end
/// of the headers: the probe has read the whole head before it closes (SPEC §12).
///
/// A plain value owned by one probe on the loop thread.
struct HTTPStatusReader: Sendable {
    enum Progress: Sendable, Equatable {
        case needMore
        case verdict(ProbeVerdict)
    }

    /// What the probe accepts: `expect` and `expect_body`.
    struct Expectation: Sendable, Equatable {
        var statuses = ExpectedStatus.ok
        var bodyText: String?
    }

    /// Bound on the status line, CRLF included. A health endpoint's status line is ~20
    /// bytes; 4 KiB tolerates a verbose reason phrase without buffering a stray stream.
    static let defaultLimit = 4096
    /// Bound on the header section: nginx's and Go's defaults sit between 1 and 8 KiB per
    /// line; a health endpoint sends a few hundred bytes.
    static let defaultHeaderLimit = 16_384
    /// SPEC §12: `expect_body` searches the first 64 KiB of the body.
    static let bodyLimit = 65_536

    let limit: Int
    let headerLimit: Int
    let bodyLimit: Int
    let expectation: Expectation
    private var consumed = 0
    private var code = 0
    private var position = Position.version(0)
    private var stage = Stage.statusLine
    private var decided: ProbeVerdict?

    private enum Stage: Sendable {
        case statusLine
        case headers(HTTPHeaderScanner, bytes: Int)
        case body(HTTPBodyMatcher)
    }

    private enum Position {
        /// Index into `HTTP/1.` matched so far.
        case version(Int)
        case minorVersion
        case spaceBeforeCode
        /// Digits of the status code read so far.
        case code(Int)
        /// Right after the code: SP before a reason phrase, or the line end.
        case afterCode
        case reason
        case lineFeed
    }

    private static let versionPrefix = Array("HTTP/1.".utf8)

    init(limit: Int = HTTPStatusReader.defaultLimit, headerLimit: Int = HTTPStatusReader.defaultHeaderLimit,
         bodyLimit: Int = HTTPStatusReader.bodyLimit, expectation: Expectation = Expectation()) {
        self.limit = limit
        self.headerLimit = headerLimit
        self.bodyLimit = bodyLimit
        self.expectation = expectation
    }

    /// Feeds the next chunk; bytes after a decided verdict are ignored.
    mutating func feed(_ chunk: some Collection<UInt8>) -> Progress {
        if let decided { return .verdict(decided) }
        var rest = ArraySlice(chunk)
        while !rest.isEmpty {
            let verdict: ProbeVerdict?
            switch stage {
            case .statusLine: verdict = readStatusLine(&rest)
            case .headers(var scanner, let bytes): verdict = readHeaders(&rest, &scanner, bytes)
            case .body(var matcher):
                verdict = Self.bodyVerdict(matcher.feed(rest), expectation)
                stage = .body(matcher)
                rest = []
            }
            if let verdict {
                decided = verdict
                return .verdict(verdict)
            }
        }
        return .needMore
    }

    /// The verdict when the stream ends: the decided one, else what was missing.
    func endOfStream() -> ProbeVerdict {
        if let decided { return decided }
        switch stage {
        case .statusLine: return .closedEarly
        case .headers: return .closedInHeaders
        case .body(let matcher): return Self.bodyVerdict(matcher.endOfStream(), expectation) ?? .closedInHeaders
        }
    }

    private mutating func readStatusLine(_ rest: inout ArraySlice<UInt8>) -> ProbeVerdict? {
        while let byte = rest.popFirst() {
            consumed += 1
            if let verdict = step(byte) { return verdict }
            if case .headers = stage { return nil }
            if consumed >= limit { return .oversized }
        }
        return nil
    }

    private mutating func readHeaders(_ rest: inout ArraySlice<UInt8>, _ scanner: inout HTTPHeaderScanner, _ bytes: Int) -> ProbeVerdict? {
        var count = bytes
        while let byte = rest.popFirst() {
            count += 1
            if scanner.step(byte) { return headersEnded(scanner) }
            if count >= headerLimit { return .headersTooLong }
        }
        stage = .headers(scanner, bytes: count)
        return nil
    }

    /// RFC 9110 §6.4.1 / RFC 9112 §6.3: 204 and 304 have no body; else chunked, a length, or
    /// the close frames it.
    private mutating func headersEnded(_ scanner: HTTPHeaderScanner) -> ProbeVerdict? {
        guard let text = expectation.bodyText else { return .pass }
        let framing: HTTPBodyMatcher.Framing =
            code == 204 || code == 304 ? .length(0)
            : scanner.chunked ? .chunked
            : scanner.contentLength.map { .length($0) } ?? .untilClose
        var matcher = HTTPBodyMatcher(needle: Array(text.utf8), framing: framing, limit: bodyLimit)
        if case .length(0) = framing { return Self.bodyVerdict(matcher.feed([]), expectation) }
        stage = .body(matcher)
        return nil
    }

    private static func bodyVerdict(_ outcome: HTTPBodyMatcher.Outcome?, _ expectation: Expectation) -> ProbeVerdict? {
        switch outcome {
        case .found: .pass
        case .lacking: .bodyLacks(expectation.bodyText ?? "")
        case .badChunk: .badChunkedBody
        case nil: nil
        }
    }

    private mutating func step(_ byte: UInt8) -> ProbeVerdict? {
        switch position {
        case .version(let index):
            guard byte == Self.versionPrefix[index] else { return .garbage }
            position = index + 1 == Self.versionPrefix.count ? .minorVersion : .version(index + 1)
        case .minorVersion:
            guard byte == UInt8(ascii: "0") || byte == UInt8(ascii: "1") else { return .garbage }
            position = .spaceBeforeCode
        case .spaceBeforeCode:
            guard byte == UInt8(ascii: " ") else { return .garbage }
            position = .code(0)
        case .code(let digits):
            guard let digit = Self.digitValue(byte) else { return .garbage }
            code = code * 10 + digit
            position = digits + 1 == 3 ? .afterCode : .code(digits + 1)
        case .afterCode:
            if byte == UInt8(ascii: " ") {
                position = .reason
                return nil
            }
            guard byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") else { return .garbage }
            return reasonByte(byte)
        case .reason:
            return reasonByte(byte)
        case .lineFeed:
            guard byte == UInt8(ascii: "\n") else { return .garbage }
            return verdictForCode()
        }
        return nil
    }

    /// RFC 9112 §4: `status-code SP [reason-phrase] CRLF`. The SP may be missing because
    /// some servers send `HTTP/1.1 200\r\n`; a bare LF ends the line too (RFC 9112 §2.2
    /// lets a recipient accept it).
    private mutating func reasonByte(_ byte: UInt8) -> ProbeVerdict? {
        switch byte {
        case UInt8(ascii: "\r"):
            position = .lineFeed
            return nil
        case UInt8(ascii: "\n"):
            return verdictForCode()
        case UInt8(ascii: "\t"), 0x20...0x7e, 0x80...0xff:
            return nil
        default:
            return .garbage
        }
    }

    /// A status `expect` does not list fails at once; a listed one reads on through the headers.
    private mutating func verdictForCode() -> ProbeVerdict? {
        guard expectation.statuses.contains(code) else { return .status(code, expected: expectation.statuses) }
        stage = .headers(HTTPHeaderScanner(), bytes: 0)
        return nil
    }

    private static func digitValue(_ byte: UInt8) -> Int? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int(byte - UInt8(ascii: "0")) : nil
    }
}
