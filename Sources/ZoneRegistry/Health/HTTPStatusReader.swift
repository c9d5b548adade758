/// Reads the status line of an HTTP/1.x response as bytes arrive, and turns it into a
/// verdict: `.pass` for 200, `.status(code)` for any other code, `.garbage` as soon as the
/// bytes cannot begin `HTTP/1.0 NNN` or `HTTP/1.1 NNN`, `.oversized` when the line does not
/// end within `limit` bytes. Headers and body are never read: the status decides (SPEC §5).
///
/// A plain value owned by one probe on the loop thread.
struct HTTPStatusReader: Sendable {
    enum Progress: Sendable, Equatable {
        case needMore
        case verdict(ProbeVerdict)
    }

    /// Bound on the status line, CRLF included. A health endpoint's status line is ~20
    /// bytes; 4 KiB tolerates a verbose reason phrase without buffering a stray stream.
    static let defaultLimit = 4096

    let limit: Int
    private var consumed = 0
    private var code = 0
    private var position = Position.version(0)
    private var decided: ProbeVerdict?

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

    init(limit: Int = HTTPStatusReader.defaultLimit) {
        self.limit = limit
    }

    /// Feeds the next chunk; bytes after a decided verdict are ignored.
    mutating func feed(_ chunk: some Sequence<UInt8>) -> Progress {
        if let decided { return .verdict(decided) }
        for byte in chunk {
            consumed += 1
            if let verdict = step(byte) {
                decided = verdict
                return .verdict(verdict)
            }
            if consumed >= limit {
                decided = .oversized
                return .verdict(.oversized)
            }
        }
        return .needMore
    }

    /// The verdict when the stream ends: the decided one, or `.closedEarly`.
    func endOfStream() -> ProbeVerdict {
        decided ?? .closedEarly
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

    private func verdictForCode() -> ProbeVerdict {
        code == 200 ? .pass : .status(code)
    }

    private static func digitValue(_ byte: UInt8) -> Int? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int(byte - UInt8(ascii: "0")) : nil
    }
}
