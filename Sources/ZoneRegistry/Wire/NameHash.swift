/// A hash of a DNS name's lowercase labels, chained from the root leftwards so that the hash
/// of every suffix of a name falls out of one pass (used by the compression table and by the
/// registry's peer lookup, which must not scan thousands of peers per query).
///
/// It is FNV-1a 64 over each label's length byte and lowercased bytes, seeded with the hash of
/// the suffix to its right. Not a security boundary: every hit is confirmed byte by byte.
enum NameHash {
    static let root: UInt64 = 0xcbf2_9ce4_8422_2325

    @inline(__always)
    static func mix(_ hash: UInt64, _ byte: UInt8) -> UInt64 {
        (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
    }

    /// The hash of `label + suffix`, given the hash of `suffix`. Bytes must already be lowercase.
    static func prepend(label bytes: ArraySlice<UInt8>, to suffixHash: UInt64) -> UInt64 {
        var hash = mix(suffixHash, UInt8(truncatingIfNeeded: bytes.count))
        for byte in bytes { hash = mix(hash, byte) }
        return hash
    }
}
