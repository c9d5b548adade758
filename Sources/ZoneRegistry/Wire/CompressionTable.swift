/// Where names already written into the message under construction start, keyed by
/// `NameHash`, so that later names can point at them (RFC 1035 §4.1.4).
///
/// Fixed capacity, allocated once and reused: `reset()` only bumps a generation counter, so a
/// message costs no allocation and no clearing. When full, names are simply written without
/// compression. A hit is only a candidate: `MessageWriter` confirms it against the bytes.
final class CompressionTable {
    private static let slotCount = 1024
    private static let maxEntries = 512

    private var hashes: [UInt64]
    private var offsets: [UInt16]
    private var generations: [UInt32]
    private var generation: UInt32 = 1
    private var entries = 0

    init() {
        hashes = [UInt64](repeating: 0, count: Self.slotCount)
        offsets = [UInt16](repeating: 0, count: Self.slotCount)
        generations = [UInt32](repeating: 0, count: Self.slotCount)
    }

    func reset() {
        generation &+= 1
        if generation == 0 {
            // Wrapped after 4 billion messages: stale stamps could look current again.
            for index in generations.indices { generations[index] = 0 }
            generation = 1
        }
        entries = 0
    }

    /// Remembers that a name with suffix hash `hash` starts at `offset`.
    func insert(hash: UInt64, offset: Int) {
        guard offset <= WireLimit.maxPointerTarget, entries < Self.maxEntries else { return }
        var slot = Int(truncatingIfNeeded: hash) & (Self.slotCount - 1)
        while generations[slot] == generation { slot = (slot + 1) & (Self.slotCount - 1) }
        hashes[slot] = hash
        offsets[slot] = UInt16(offset)
        generations[slot] = generation
        entries += 1
    }

    /// Lookups walk the probe chain slot by slot (`firstSlot`, `probe`, `nextSlot`) so that the
    /// caller can confirm each candidate without a closure being allocated.
    func firstSlot(for hash: UInt64) -> Int { Int(truncatingIfNeeded: hash) & (Self.slotCount - 1) }

    /// The offset stored at `slot` when it holds `hash`, `nil` when the probe chain ended,
    /// and `-1` when the slot holds another hash (keep probing).
    func probe(slot: Int, hash: UInt64) -> Int? {
        guard generations[slot] == generation else { return nil }
        return hashes[slot] == hash ? Int(offsets[slot]) : -1
    }

    func nextSlot(after slot: Int) -> Int { (slot + 1) & (Self.slotCount - 1) }
}
