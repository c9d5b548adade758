/// The question of a plain query, read in one pass for the answer-template lookup: a
/// standard query (opcode 0, QR clear) with one uncompressed question, no answer or authority
/// records, and at most one additional record that is a well-formed OPT of version 0.
///
/// Anything else yields nil and takes the general path (`QueryReader`), which owns every
/// error answer; so this reader only has to be right about what it accepts, and for those
/// queries must agree with `QueryReader` (a differential fuzz target checks that it does).
struct QuestionKey {
    /// A multiplicative hash of the lowercased name, QTYPE and QCLASS (not a security
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
        guard flags & (HeaderFlag.qr | HeaderFlag.opcodeMask) == 0,
              query[4] == 0, query[5] == 1,                                  // QDCOUNT 1
              query[6] == 0, query[7] == 0, query[8] == 0, query[9] == 0,    // AN, NS 0
              query[10] == 0, query[11] <= 1                                 // AR 0 or 1
        else { return nil }

        var offset = WireLimit.headerSize
        while true {
            let length = Int(query[offset])
            if length == 0 { break }
            // Pointers, reserved label types and overlong names are the general path's to refuse.
            // Cannot overflow: offset < count and length < 64.
            let next = offset &+ length &+ 1
            guard length <= WireLimit.maxLabelLength, next < count,
                  next &- WireLimit.headerSize < WireLimit.maxNameLength
            else { return nil }
            offset = next
        }
        let nameEnd = offset + 1
        guard nameEnd + 4 <= count else { return nil }
        let qtype = UInt16(query[nameEnd]) << 8 | UInt16(query[nameEnd + 1])
        let qclass = UInt16(query[nameEnd + 2]) << 8 | UInt16(query[nameEnd + 3])
        guard qtype != RecordType.opt.rawValue else { return nil }
        // Eight name bytes at a time, lowercased in the word (length bytes are below 64, so
        // they never look like letters); QTYPE and QCLASS complete the last word.
        var hash = NameHash.root
        var chunk = WireLimit.headerSize
        while chunk + 8 <= nameEnd {
            hash = (hash ^ lowercased(word(query, at: chunk))) &* 0x9e37_79b9_7f4a_7c15
            hash ^= hash >> 29
            chunk += 8
        }
        hash = (hash ^ lowercased(tail(query, from: chunk, to: nameEnd))) &* 0x9e37_79b9_7f4a_7c15
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

    /// True when the question name in `query` equals `lowercased` (case-insensitively).
    @inline(__always)
    func nameEquals(_ lowercased: UnsafeRawBufferPointer, in query: UnsafeRawBufferPointer) -> Bool {
        guard lowercased.count == nameLength, let stored = lowercased.baseAddress else { return false }
        let end = WireLimit.headerSize + nameLength
        var chunk = WireLimit.headerSize
        while chunk + 8 <= end {
            let expected = stored.loadUnaligned(fromByteOffset: chunk - WireLimit.headerSize, as: UInt64.self)
            if Self.lowercased(Self.word(query, at: chunk)) != expected { return false }
            chunk += 8
        }
        var index = chunk
        while index < end {
            if DomainName.lowercase(query[index]) != lowercased[index - WireLimit.headerSize] { return false }
            index += 1
        }
        return true
    }

    @inline(__always)
    private static func word(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt64 {
        bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
    }

    /// The bytes `[from, to)` (fewer than eight) in the low end of a word, little-endian like `word`.
    @inline(__always)
    private static func tail(_ bytes: UnsafeRawBufferPointer, from: Int, to end: Int) -> UInt64 {
        var value: UInt64 = 0
        var index = end
        while index > from {
            index -= 1
            value = value << 8 | UInt64(bytes[index])
        }
        return value
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
