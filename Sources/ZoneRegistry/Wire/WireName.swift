/// A configured name prepared for the query path: lowercase wire form, where each label
/// starts, and the hash of every suffix, all computed once at configuration time so that
/// writing or matching it costs no allocation per query.
struct WireName: Sendable, Equatable {
    let wire: [UInt8]
    /// Offsets of each label's length byte in `wire`; the root byte is not a label.
    let labelStarts: [Int]
    /// `suffixHashes[i]` is the `NameHash` of the name from label `i` on; the last entry,
    /// at `labelCount`, is the root's.
    let suffixHashes: [UInt64]

    init(_ name: DomainName) {
        wire = name.wire
        var starts: [Int] = []
        var index = 0
        while wire[index] != 0 {
            starts.append(index)
            index += Int(wire[index]) + 1
        }
        labelStarts = starts
        var hashes = [UInt64](repeating: NameHash.root, count: starts.count + 1)
        for label in stride(from: starts.count - 1, through: 0, by: -1) {
            let start = starts[label]
            let bytes = wire[(start + 1)...(start + Int(wire[start]))]
            hashes[label] = NameHash.prepend(label: bytes, to: hashes[label + 1])
        }
        suffixHashes = hashes
    }

    var labelCount: Int { labelStarts.count }
    var hash: UInt64 { suffixHashes[0] }
}
