/// A received name, decompressed into storage that is allocated once and reused for every
/// query: the bytes as sent (to copy the client's case) and lowercased (to compare), label
/// offsets, and the `NameHash` of every suffix.
///
/// Owned by one `QueryResponder` on the loop thread; a `WireReader` fills it.
struct NameBuffer {
    private(set) var raw: [UInt8]
    private(set) var lower: [UInt8]
    private(set) var labelStarts: [Int]
    private(set) var suffixHashes: [UInt64]
    /// Uncompressed length, counting length bytes and the root byte.
    private(set) var length = 0
    private(set) var labelCount = 0
    /// True when the name as sent contained a compression pointer.
    private(set) var wasCompressed = false

    init() {
        raw = [UInt8](repeating: 0, count: WireLimit.maxNameLength + 1)
        lower = raw
        labelStarts = [Int](repeating: 0, count: WireLimit.maxLabels + 1)
        suffixHashes = [UInt64](repeating: 0, count: WireLimit.maxLabels + 2)
    }

    mutating func reset() {
        length = 0
        labelCount = 0
        wasCompressed = false
    }

    mutating func markCompressed() { wasCompressed = true }

    /// Appends a label's length byte; the caller then appends its bytes. Returns false when
    /// the name would exceed 255 bytes (RFC 1035 §2.3.4).
    @inline(__always)
    mutating func beginLabel(length labelLength: Int) -> Bool {
        guard length + 1 + labelLength + 1 <= WireLimit.maxNameLength else { return false }
        labelStarts[labelCount] = length
        labelCount += 1
        raw[length] = UInt8(labelLength)
        lower[length] = UInt8(labelLength)
        length += 1
        return true
    }

    @inline(__always)
    mutating func appendLabelByte(_ byte: UInt8) {
        raw[length] = byte
        lower[length] = DomainName.lowercase(byte)
        length += 1
    }

    /// Writes the root byte and computes the suffix hashes.
    mutating func finish() {
        raw[length] = 0
        lower[length] = 0
        length += 1
        suffixHashes[labelCount] = NameHash.root
        var label = labelCount - 1
        while label >= 0 {
            let start = labelStarts[label]
            let end = start + Int(lower[start])
            suffixHashes[label] = NameHash.prepend(label: lower[(start + 1)...end], to: suffixHashes[label + 1])
            label -= 1
        }
    }

    /// True when the suffix of this name starting at `label` equals `name` (case-insensitive).
    func suffix(from label: Int, equals name: WireName) -> Bool {
        guard label >= 0, label <= labelCount, labelCount - label == name.labelCount,
              suffixHashes[label] == name.hash else { return false }
        let start = label == labelCount ? length - 1 : labelStarts[label]
        guard length - start == name.wire.count else { return false }
        var index = 0
        while index < name.wire.count {
            if lower[start + index] != name.wire[index] { return false }
            index += 1
        }
        return true
    }

    /// True when this name equals `zone` or lies below it.
    func isAtOrBelow(_ zone: WireName) -> Bool {
        suffix(from: labelCount - zone.labelCount, equals: zone)
    }

    /// The name as sent, uncompressed (allocates: tests and logs only).
    var rawWire: [UInt8] { Array(raw[0..<length]) }
}
