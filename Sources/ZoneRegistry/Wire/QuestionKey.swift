/// The question of a plain query, read in one pass for the answer-template lookup: a
/// standard query (opcode 0, QR clear) with one uncompressed question, no answer or authority
/// records, and at most one additional record that is a well-formed OPT of version 0.
///
/// Anything else yields nil and takes the general path (`QueryReader`), which owns every
/// error answer; so this reader only has to be right about what it accepts, and for those
/// queries must agree with `QueryReader` (a differential fuzz target checks that it does).
struct QuestionKey {
    /// A multiplicative hash of the case-folded name, QTYPE and QCLASS (not a security
    /// boundary: a hit is confirmed byte by byte, and a colliding flood only costs misses).
    var hash: UInt64
    /// Wire length of the question name, root byte included.
    var nameLength: Int
    /// Offset just past QCLASS: the question is `[12, questionEnd)`.
    var questionEnd: Int
    var qtype: UInt16
    var qclass: UInt16
    var id: UInt16
    var flags: UInt16
    var edns: EDNS.Request?

    /// Reads `query`'s question, or returns nil when the query is not plain (see above).
    @inline(__always)
    static func read(_ query: UnsafeRawBufferPointer) -> QuestionKey? {
        let count = query.count
        guard count >= WireLimit.headerSize + 5 else { return nil }
        let flags = UInt16(query[2]) << 8 | UInt16(query[3])
        // Bytes 4-11 in one load, little-endian: QDCOUNT 1, ANCOUNT and NSCOUNT 0, ARCOUNT 0 or 1.
        let counts = word(query, at: 4)
        guard flags & (HeaderFlag.qr | HeaderFlag.opcodeMask) == 0,
              counts & 0xfeff_ffff_ffff_ffff == 0x0000_0000_0000_0100
        else { return nil }

        var offset = WireLimit.headerSize
        while true {
            let length = Int(query[offset])
            if length == 0 { break }
            // Pointers, reserved label types and overlong names are the general path's to refuse.
            // Cannot overflow: offset < count and length < 64.
            let next = offset &+ length &+ 1
            guard length <= WireLimit.maxLabelLength, next < count else { return nil }
            offset = next
        }
        // Offsets only grow, so checking the root byte's position covers every label's.
        guard offset &- WireLimit.headerSize < WireLimit.maxNameLength else { return nil }
        let nameEnd = offset + 1
        guard nameEnd + 4 <= count else { return nil }
        let qtype = UInt16(query[nameEnd]) << 8 | UInt16(query[nameEnd + 1])
        let qclass = UInt16(query[nameEnd + 2]) << 8 | UInt16(query[nameEnd + 3])
        guard qtype != RecordType.opt.rawValue else { return nil }
        // Eight name bytes at a time with bit 5 of every byte set: names equal but for case
        // hash alike (other bytes may fold together too, which only costs a compare, never a
        // wrong answer: a hit is confirmed with `nameEquals`). QTYPE and QCLASS complete it.
        let fold: UInt64 = 0x2020_2020_2020_2020
        var hash = NameHash.root
        var chunk = WireLimit.headerSize
        while chunk &+ 8 <= nameEnd {
            hash = (hash ^ (word(query, at: chunk) | fold)) &* 0x9e37_79b9_7f4a_7c15
            hash ^= hash >> 29
            chunk &+= 8
        }
        hash = (hash ^ (tail(query, from: chunk, to: nameEnd) | fold)) &* 0x9e37_79b9_7f4a_7c15
        hash ^= UInt64(qtype) << 16 | UInt64(qclass)
        hash = (hash ^ (hash >> 32)) &* 0x9e37_79b9_7f4a_7c15
        hash ^= hash >> 29

        var key = QuestionKey(hash: hash, nameLength: nameEnd - WireLimit.headerSize, questionEnd: nameEnd + 4,
                              qtype: qtype, qclass: qclass, id: UInt16(query[0]) << 8 | UInt16(query[1]),
                              flags: flags, edns: nil)
        if query[11] == 1 {
            guard let edns = readOPT(query, at: key.questionEnd) else { return nil }
            key.edns = edns
        }
        return key
    }

    /// An OPT record owned by the root, version 0, whose options stay inside RDLENGTH
    /// (RFC 6891 §6.1.2); nil for anything else.
    @inline(__always)
    private static func readOPT(_ query: UnsafeRawBufferPointer, at start: Int) -> EDNS.Request? {
        let count = query.count
        guard start + 11 <= count, query[start] == 0,
              query[start + 1] == 0, UInt16(query[start + 2]) == RecordType.opt.rawValue,
              query[start + 6] == 0                                          // version 0
        else { return nil }
        let payloadSize = UInt16(query[start + 3]) << 8 | UInt16(query[start + 4])
        let dnssecOK = query[start + 7] & 0x80 != 0
        let rdataLength = Int(query[start + 9]) << 8 | Int(query[start + 10])
        var offset = start + 11
        let end = offset + rdataLength
        guard end <= count else { return nil }
        while offset < end {
            guard offset + 4 <= end else { return nil }
            offset += 4 + (Int(query[offset + 2]) << 8 | Int(query[offset + 3]))
            guard offset <= end else { return nil }
        }
        return EDNS.Request(payloadSize: payloadSize, version: 0, dnssecOK: dnssecOK)
    }

    /// True when the question name in `query` equals the lowercased name at the start of
    /// `stored`, which must extend to the next multiple of eight bytes past the name, so that
    /// the last word loads whole (bytes past the name are masked off).
    @inline(__always)
    func nameEquals(_ stored: UnsafeRawBufferPointer, in query: UnsafeRawBufferPointer) -> Bool {
        guard stored.count >= (nameLength + 7) & ~7, let base = stored.baseAddress else { return false }
        let end = WireLimit.headerSize + nameLength
        var chunk = WireLimit.headerSize
        while chunk + 8 <= end {
            let expected = base.loadUnaligned(fromByteOffset: chunk - WireLimit.headerSize, as: UInt64.self)
            // Most clients send lowercase: an exact match needs no case folding.
            let sent = Self.word(query, at: chunk)
            if sent != expected && Self.lowercased(sent) != expected { return false }
            chunk += 8
        }
        let rest = end - chunk
        guard rest > 0 else { return true }
        let mask: UInt64 = (1 << UInt64(8 * rest)) - 1
        let expected = base.loadUnaligned(fromByteOffset: chunk - WireLimit.headerSize, as: UInt64.self) & mask
        let sent = Self.tail(query, from: chunk, to: end)
        return sent == expected || Self.lowercased(sent) == expected
    }

    @inline(__always)
    private static func word(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt64 {
        bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
    }

    /// The bytes `[from, to)` (fewer than eight) in the low end of a word, little-endian like
    /// `word`: the word that ends at `end`, shifted. Question names end past the 12-byte
    /// header, so those eight bytes always exist.
    @inline(__always)
    private static func tail(_ bytes: UnsafeRawBufferPointer, from: Int, to end: Int) -> UInt64 {
        let count = end - from
        guard count > 0 else { return 0 }
        return word(bytes, at: end - 8) >> UInt64(8 * (8 - count))
    }

    /// ASCII A-Z to a-z in every byte of the word at once (bytes of 0x80 and up are left alone).
    @inline(__always)
    private static func lowercased(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let low7 = word & (0x7f * ones)
        // High bit of each byte set where the byte is >= 'A', resp. > 'Z'.
        let atLeastA = low7 &+ (0x80 - 0x41) * ones
        let aboveZ = low7 &+ (0x80 - 0x5b) * ones
        let upper = atLeastA & ~aboveZ & ~word & (0x80 * ones)
        return word | (upper >> 2)
    }
}
