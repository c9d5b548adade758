/// Where names already written into the message under construction start, keyed by
/// `NameHash`, so that later names can point at them (RFC 1035 §4.1.4).
///
/// Fixed capacity, allocated once and reused: `reset()` only bumps a generation counter, so a
/// message costs no allocation and no clearing. When full, names are simply written without
/// compression. A hit is only a candidate: `MessageWriter` confirms it against the bytes.
///
/// Storage is raw memory reached through `let` pointers: a Swift array in a class property
/// costs a dynamic exclusivity check and a uniqueness check on every write, which callgrind
/// showed as ~2,000 instructions per query for the question's names alone.
final class CompressionTable {
    private static let slotCount = 1024
    private static let maxEntries = 512

    private struct Counters {
        var generation: UInt32 = 1
        var entries = 0
    }

    private let hashes: UnsafeMutablePointer<UInt64>
    private let offsets: UnsafeMutablePointer<UInt16>
    private let generations: UnsafeMutablePointer<UInt32>
    private let counters: UnsafeMutablePointer<Counters>

    init() {
        hashes = .allocate(capacity: Self.slotCount)
        hashes.initialize(repeating: 0, count: Self.slotCount)
        offsets = .allocate(capacity: Self.slotCount)
        offsets.initialize(repeating: 0, count: Self.slotCount)
        generations = .allocate(capacity: Self.slotCount)
        generations.initialize(repeating: 0, count: Self.slotCount)
        counters = .allocate(capacity: 1)
        counters.initialize(to: Counters())
    }

    deinit {
        hashes.deallocate()
        offsets.deallocate()
        generations.deallocate()
        counters.deallocate()
    }

    func reset() {
        counters.pointee.generation &+= 1
        if counters.pointee.generation == 0 {
            // Wrapped after 4 billion messages: stale stamps could look current again.
            generations.update(repeating: 0, count: Self.slotCount)
            counters.pointee.generation = 1
        }
        counters.pointee.entries = 0
    }

    /// Remembers that a name with suffix hash `hash` starts at `offset`.
    @inline(__always)
    func insert(hash: UInt64, offset: Int) {
        guard offset <= WireLimit.maxPointerTarget, counters.pointee.entries < Self.maxEntries else { return }
        let generation = counters.pointee.generation
        var slot = Int(truncatingIfNeeded: hash) & (Self.slotCount - 1)
        while generations[slot] == generation { slot = (slot + 1) & (Self.slotCount - 1) }
        hashes[slot] = hash
        offsets[slot] = UInt16(offset)
        generations[slot] = generation
        counters.pointee.entries += 1
    }

    /// Lookups walk the probe chain slot by slot (`firstSlot`, `probe`, `nextSlot`) so that the
    /// caller can confirm each candidate without a closure being allocated.
    @inline(__always)
    func firstSlot(for hash: UInt64) -> Int { Int(truncatingIfNeeded: hash) & (Self.slotCount - 1) }

    /// The offset stored at `slot` when it holds `hash`, `nil` when the probe chain ended,
    /// and `-1` when the slot holds another hash (keep probing).
    @inline(__always)
    func probe(slot: Int, hash: UInt64) -> Int? {
        guard generations[slot] == counters.pointee.generation else { return nil }
        return hashes[slot] == hash ? Int(offsets[slot]) : -1
    }

    @inline(__always)
    func nextSlot(after slot: Int) -> Int { (slot + 1) & (Self.slotCount - 1) }
}
