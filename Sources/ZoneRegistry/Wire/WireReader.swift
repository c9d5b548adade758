/// A read cursor over a received message with a sticky error, after Knot's `wire_ctx`: a
/// parser reads a whole structure, then checks `failed` once. Reads past the end return zero
/// and set `failed`; nothing ever traps on hostile input.
///
/// The raw buffer lives only as long as the call that received it; a reader never escapes it.
struct WireReader {
    private let bytes: UnsafeRawBufferPointer
    private(set) var position: Int
    private(set) var failed = false

    init(_ bytes: UnsafeRawBufferPointer, position: Int = 0) {
        self.bytes = bytes
        self.position = min(position, bytes.count)
    }

    var count: Int { bytes.count }
    var remaining: Int { bytes.count - position }

    mutating func fail() { failed = true }

    mutating func readU8() -> UInt8 {
        guard !failed, position < bytes.count else { failed = true; return 0 }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func readU16() -> UInt16 {
        guard !failed, remaining >= 2 else { failed = true; return 0 }
        defer { position += 2 }
        return UInt16(bytes[position]) << 8 | UInt16(bytes[position + 1])
    }

    mutating func readU32() -> UInt32 {
        let high = readU16()
        let low = readU16()
        return UInt32(high) << 16 | UInt32(low)
    }

    mutating func skip(_ length: Int) {
        guard !failed, length >= 0, remaining >= length else { failed = true; return }
        position += length
    }

    /// The byte at an absolute offset, or nil past the end (for following pointers).
    func byte(at offset: Int) -> UInt8? {
        offset >= 0 && offset < bytes.count ? bytes[offset] : nil
    }

    /// Reads a name at the cursor into `name`, following compression pointers (RFC 1035
    /// §4.1.4). Rejected, by setting `failed`: a pointer that does not point strictly before
    /// the labels it interrupts (so forward pointers and loops both fail, and decoding always
    /// terminates), the reserved label types 0b01/0b10 (which is how a length of 64+ looks),
    /// a name longer than 255 bytes, and any read past the end.
    mutating func readName(into name: inout NameBuffer) {
        name.reset()
        guard !failed else { return }
        var offset = position
        var segmentStart = position
        var resumeAt: Int? = nil
        while true {
            guard let length = byte(at: offset) else { failed = true; return }
            switch length & 0xc0 {
            case 0x00:
                if length == 0 {
                    position = resumeAt ?? offset + 1
                    name.finish()
                    return
                }
                let labelLength = Int(length)
                guard offset + labelLength < bytes.count, name.beginLabel(length: labelLength) else {
                    failed = true
                    return
                }
                for index in (offset + 1)...(offset + labelLength) { name.appendLabelByte(bytes[index]) }
                offset += labelLength + 1
            case 0xc0:
                guard let low = byte(at: offset + 1) else { failed = true; return }
                let target = Int(length & 0x3f) << 8 | Int(low)
                guard target < segmentStart else { failed = true; return }
                if resumeAt == nil { resumeAt = offset + 2 }
                name.markCompressed()
                segmentStart = target
                offset = target
            default:
                failed = true
                return
            }
        }
    }

    /// Reads a name and returns it uncompressed as sent, or nil (allocates: tests and tools).
    mutating func readName() -> [UInt8]? {
        var name = NameBuffer()
        readName(into: &name)
        return failed ? nil : name.rawWire
    }
}

extension WireReader {
    /// Steps over a name without decoding it: labels up to the root or the first pointer.
    /// Pointers are not followed, so only the bytes of this name are checked.
    mutating func skipName() {
        var total = 0
        while !failed {
            let length = readU8()
            switch length & 0xc0 {
            case 0x00:
                if length == 0 { return }
                total += Int(length) + 1
                if total >= WireLimit.maxNameLength { fail(); return }
                skip(Int(length))
            case 0xc0:
                _ = readU8()
                return
            default:
                fail()
                return
            }
        }
    }
}
