/// How a name is put into a message being written: by pointer to a name already there, as a
/// configured name (compressed against what was written), or spliced from labels already in
/// the message (the question's) followed by a configured name.
enum NameRef {
    /// A name already in this message at `offset`, e.g. the question name at 12.
    case pointer(Int)
    /// A configured name, compressed against the names written before it.
    case name(WireName)
    /// `length` bytes of uncompressed labels copied from offset `start` of this message,
    /// then `suffix`: how `cname` mode swaps the zone for a peer host keeping the query's case.
    case splice(start: Int, length: Int, suffix: WireName)
    /// One literal label (length byte included) followed by a pointer: `_udp.` + query name.
    case labelThenPointer(label: [UInt8], pointer: Int)
    /// The root name, a single zero byte.
    case root
}
