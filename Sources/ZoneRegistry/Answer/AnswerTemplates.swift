/// Answers the registry already wrote, kept per question (lowercased name, QTYPE, QCLASS) so
/// that a repeated question is answered by copying bytes: the sections after the question,
/// once per rotation start of the selection, valid while the registry's SOA serial (bumped on
/// every change of the healthy set) and the configuration are the ones they were built from.
///
/// A template holds exactly what the general path would write with no size limit; the
/// responder uses it only when the whole response fits the query's limit, so truncation,
/// glue dropping and every error answer stay with the general path.
///
/// Direct-mapped on the question hash. A slot holding another live question is replaced only
/// after several misses on it, so a flood of random names cannot keep evicting the names
/// real clients ask for, and a template is filled at most once per miss.
///
/// Storage is raw memory reached through `let` pointers, as `CompressionTable`: Swift arrays
/// in a class cost exclusivity, uniqueness and retain/release work on every query.
final class AnswerTemplates {
    static let slotCount = 1024
    /// Bytes per slot for the key and every variant's sections; larger answers (many
    /// selected peers) are not templated and take the general path.
    static let slotBytes = 2048
    /// Misses on a slot held by another live question before that question is replaced.
    private static let replaceAfterMisses: UInt8 = 4

    /// What a template answers besides its bytes; a copy is handed to the responder.
    struct Entry {
        var hash: UInt64 = 0
        /// The registry's SOA serial when the template was written.
        var serial: UInt32 = 0
        var used = false
        var nameLength: UInt16 = 0
        var qtype: UInt16 = 0
        var qclass: UInt16 = 0
        /// Index of the zone in the responder's zone list, and of the registry zone.
        var zone: UInt16 = 0
        var registryZone: UInt16 = 0
        var rcode: UInt16 = 0
        var authoritative = false
        /// The answer turns the zone's round-robin: one variant per rotation start.
        var rotates = false
        var variantCount: UInt16 = 0
        /// The longest variant's bytes: whether a template fits is known before the rotation turns.
        var longestVariant: UInt16 = 0
        var answerCount: UInt16 = 0
        var authorityCount: UInt16 = 0
        var additionalCount: UInt16 = 0
        var misses: UInt8 = 0
        /// The answer does not fit a slot: the question takes the general path, without
        /// trying again, until the serial changes.
        var oversized = false
    }

    private let entries: UnsafeMutablePointer<Entry>
    /// Per slot: the lowercased name, then `variantCount + 1` UInt16 offsets (from the slot's
    /// start) bounding each variant's bytes, then the bytes.
    private let arena: UnsafeMutableRawPointer

    init() {
        entries = .allocate(capacity: Self.slotCount)
        entries.initialize(repeating: Entry(), count: Self.slotCount)
        // Only the pages of slots in use become resident.
        arena = .allocate(byteCount: Self.slotCount * Self.slotBytes, alignment: 16)
    }

    deinit {
        entries.deallocate()
        arena.deallocate()
    }

    @inline(__always)
    static func slot(for key: QuestionKey) -> Int { Int(truncatingIfNeeded: key.hash) & (slotCount - 1) }

    /// The template of `key`'s question, if this slot holds it (of any serial: the caller
    /// compares `serial` with the registry's).
    @inline(__always)
    func entry(for key: QuestionKey, in query: UnsafeRawBufferPointer) -> Entry? {
        let slot = Self.slot(for: key)
        let entry = entries[slot]
        guard entry.used, entry.hash == key.hash, Int(entry.nameLength) == key.nameLength,
              entry.qtype == key.qtype, entry.qclass == key.qclass,
              key.nameEquals(UnsafeRawBufferPointer(start: arena + slot * Self.slotBytes, count: Self.slotBytes),
                             in: query)
        else { return nil }
        return entry
    }

    /// The bytes after the question for rotation start `variant`.
    @inline(__always)
    func sections(of key: QuestionKey, variant: Int) -> UnsafeRawBufferPointer {
        let base = arena + Self.slot(for: key) * Self.slotBytes
        let table = Self.offsetTable(nameLength: key.nameLength)
        let start = Int(base.loadUnaligned(fromByteOffset: table + 2 * variant, as: UInt16.self))
        let end = Int(base.loadUnaligned(fromByteOffset: table + 2 * variant + 2, as: UInt16.self))
        return UnsafeRawBufferPointer(start: base + start, count: end - start)
    }

    /// Whether a miss on `key` may write its template now: the slot is free, holds a stale
    /// or the same question, or has been missed often enough to be taken over.
    func mayFill(_ key: QuestionKey, isStale: (Entry) -> Bool) -> Bool {
        let slot = Self.slot(for: key)
        let entry = entries[slot]
        if entry.used && entry.oversized && entry.hash == key.hash && !isStale(entry) { return false }
        if !entry.used || entry.hash == key.hash || isStale(entry) { return true }
        if entry.misses + 1 >= Self.replaceAfterMisses {
            return true
        }
        entries[slot].misses = entry.misses + 1
        return false
    }

    /// Writes a template: `entry`'s metadata and one byte run per variant, produced in order
    /// by `variant(index)`, then lets `finishing` complete the metadata. Returns false when a
    /// variant is nil or `finishing` refuses (the slot is left empty), or when the variants do
    /// not fit (the slot remembers the question as oversized, so that a large selection costs
    /// one attempt per serial, not one per query).
    @discardableResult
    func fill(_ key: QuestionKey, query: UnsafeRawBufferPointer, entry: Entry,
              variant: (Int) -> UnsafeRawBufferPointer?, finishing: (inout Entry) -> Bool) -> Bool {
        let slot = Self.slot(for: key)
        entries[slot].used = false
        let base = arena + slot * Self.slotBytes
        for index in 0..<key.nameLength {
            base.storeBytes(of: DomainName.lowercase(query[WireLimit.headerSize + index]), toByteOffset: index, as: UInt8.self)
        }
        var stored = entry
        stored.hash = key.hash
        stored.nameLength = UInt16(key.nameLength)
        stored.qtype = key.qtype
        stored.qclass = key.qclass
        stored.misses = 0
        stored.longestVariant = 0
        let count = Int(entry.variantCount)
        let table = Self.offsetTable(nameLength: key.nameLength)
        var position = table + 2 * (count + 1)
        var fits = position <= Self.slotBytes
        var index = 0
        while fits && index < count {
            guard let bytes = variant(index) else { return false }
            // Rotations of one answer are about the same size: stop at the first sign that
            // all of them cannot fit, rather than after writing most of them.
            fits = position + bytes.count * (count - index) <= Self.slotBytes + bytes.count * (count - index) / 8
                && position + bytes.count <= Self.slotBytes
            guard fits else { break }
            base.storeBytes(of: UInt16(position), toByteOffset: table + 2 * index, as: UInt16.self)
            if let source = bytes.baseAddress { (base + position).copyMemory(from: source, byteCount: bytes.count) }
            position += bytes.count
            stored.longestVariant = max(stored.longestVariant, UInt16(bytes.count))
            index += 1
        }
        guard fits else {
            stored.oversized = true
            stored.variantCount = 0
            stored.used = true
            entries[slot] = stored
            return false
        }
        base.storeBytes(of: UInt16(position), toByteOffset: table + 2 * count, as: UInt16.self)
        guard finishing(&stored) else { return false }
        stored.used = true
        entries[slot] = stored
        return true
    }

    private static func offsetTable(nameLength: Int) -> Int { (nameLength + 1) & ~1 }
}
