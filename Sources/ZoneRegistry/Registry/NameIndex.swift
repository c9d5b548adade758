/// Finds a configured name (a peer host, an `ns` name) from a received name in a handful of
/// hash lookups instead of a scan over every peer: keyed by `NameHash`, confirmed byte-wise.
///
/// Built once per configuration; lookups allocate nothing.
struct NameIndex {
    private let names: [WireName]
    private var firstByHash: [UInt64: Int] = [:]
    /// The next name with the same hash, or -1: collisions are chained, not lost.
    private var nextWithSameHash: [Int]

    init(_ names: [WireName]) {
        self.names = names
        nextWithSameHash = [Int](repeating: -1, count: names.count)
        for index in names.indices.reversed() {
            let hash = names[index].hash
            if let first = firstByHash[hash] { nextWithSameHash[index] = first }
            firstByHash[hash] = index
        }
    }

    /// The first configured name equal to the suffix of `name` that starts at `label`.
    func lookup(_ name: NameBuffer, fromLabel label: Int) -> Int? {
        guard var index = firstByHash[name.suffixHashes[label]] else { return nil }
        while index >= 0 {
            if name.suffix(from: label, equals: names[index]) { return index }
            index = nextWithSameHash[index]
        }
        return nil
    }
}
