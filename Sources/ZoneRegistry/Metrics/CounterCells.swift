/// A growable row of counters on raw memory: grown when a listener is configured, added to
/// once per query. A Swift array in a class would cost a uniqueness check, a bounds check and
/// a retain/release on every add, which callgrind showed as the larger part of counting a query.
///
/// Loop-thread only, like every metric.
final class CounterCells<Value: AdditiveArithmetic & BitwiseCopyable> {
    private var storage: UnsafeMutablePointer<Value>
    private var capacity: Int
    private(set) var count = 0

    init() {
        capacity = 64
        storage = .allocate(capacity: capacity)
    }

    deinit { storage.deallocate() }

    /// Appends `added` zeroed cells and returns the index of the first.
    func grow(by added: Int) -> Int {
        let first = count
        if count + added > capacity {
            let larger = max(capacity * 2, count + added)
            let moved = UnsafeMutablePointer<Value>.allocate(capacity: larger)
            moved.update(from: storage, count: count)
            storage.deallocate()
            storage = moved
            capacity = larger
        }
        (storage + count).initialize(repeating: .zero, count: added)
        count += added
        return first
    }

    @inline(__always)
    func add(_ value: Value, at index: Int) {
        // One unsigned compare covers both ends (a negative index wraps to a huge one).
        precondition(UInt(bitPattern: index) < UInt(bitPattern: count), "counter cell out of range")
        storage[index] += value
    }

    subscript(index: Int) -> Value {
        precondition(index >= 0 && index < count, "counter cell out of range")
        return storage[index]
    }
}
