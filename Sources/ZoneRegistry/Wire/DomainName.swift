/// A DNS name held in uncompressed wire format (RFC 1035 §3.1), lowercased so that
/// comparisons are the case-insensitive ones DNS requires (RFC 4343).
///
/// Used for configuration values (zones, peer hosts, `ns` names); the query path compares
/// received names against `wire` without building a `DomainName` per query.
struct DomainName: Hashable, Sendable, CustomStringConvertible {
    /// Lowercase wire form: length-prefixed labels ending in the root's zero byte.
    let wire: [UInt8]

    static let root = DomainName(uncheckedWire: [0])

    init(uncheckedWire: [UInt8]) {
        self.wire = uncheckedWire
    }

    /// Why a presentation-format name was rejected.
    enum ParseError: Error, Equatable, CustomStringConvertible {
        case emptyLabel
        case labelTooLong(Int)
        case nameTooLong(Int)
        case invalidCharacter(Character)

        var description: String {
            switch self {
            case .emptyLabel: return "empty label"
            case .labelTooLong(let n): return "label of \(n) bytes exceeds 63"
            case .nameTooLong(let n): return "name of \(n) bytes exceeds 255"
            case .invalidCharacter(let c): return "invalid character \"\(c)\""
            }
        }
    }

    /// Parses `example.net`, `example.net.` or `.`; a missing final dot is implied because
    /// every name in a Corefile is absolute.
    init(parsing text: String) throws(ParseError) {
        var wire: [UInt8] = []
        var text = Substring(text)
        if text.hasSuffix(".") { text = text.dropLast() }
        if !text.isEmpty {
            for label in text.split(separator: ".", omittingEmptySubsequences: false) {
                if label.isEmpty { throw .emptyLabel }
                let bytes = Array(label.utf8)
                if bytes.count > 63 { throw .labelTooLong(bytes.count) }
                for (byte, character) in zip(bytes, label) where byte <= 0x20 || byte >= 0x7f {
                    throw .invalidCharacter(character)
                }
                wire.append(UInt8(bytes.count))
                wire.append(contentsOf: bytes.map(DomainName.lowercase))
            }
        }
        wire.append(0)
        if wire.count > 255 { throw .nameTooLong(wire.count) }
        self.wire = wire
    }

    /// ASCII-only folding: DNS compares labels byte-wise except for A–Z (RFC 4343 §3).
    @inline(__always)
    static func lowercase(_ byte: UInt8) -> UInt8 {
        (byte &- 0x41) < 26 ? byte | 0x20 : byte
    }

    var labelCount: Int {
        var count = 0
        var index = 0
        while wire[index] != 0 {
            count += 1
            index += Int(wire[index]) + 1
        }
        return count
    }

    var isRoot: Bool { wire.count == 1 }

    /// True when `self` equals `ancestor` or lies below it.
    func isSubdomain(of ancestor: DomainName) -> Bool {
        guard wire.count >= ancestor.wire.count else { return false }
        let offset = wire.count - ancestor.wire.count
        guard wire[offset...].elementsEqual(ancestor.wire) else { return false }
        // The suffix must start on a label boundary, not inside a label's bytes.
        var index = 0
        while index < offset { index += Int(wire[index]) + 1 }
        return index == offset
    }

    /// The name with its leftmost label removed; the root's parent is the root.
    var parent: DomainName {
        if isRoot { return self }
        return DomainName(uncheckedWire: Array(wire[(Int(wire[0]) + 1)...]))
    }

    /// `label` prepended to this name, e.g. `ns1` + `example.net.`.
    func prepending(label: String) throws(ParseError) -> DomainName {
        try DomainName(parsing: label + "." + description)
    }

    /// Presentation form with the trailing dot: `service.example.net.`.
    var description: String {
        if isRoot { return "." }
        var text = ""
        var index = 0
        while wire[index] != 0 {
            let length = Int(wire[index])
            text += String(decoding: wire[(index + 1)...(index + length)], as: UTF8.self)
            text += "."
            index += length + 1
        }
        return text
    }
}
