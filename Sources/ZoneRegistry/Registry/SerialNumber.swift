/// RFC 1982 serial number arithmetic on 32 bits.
enum SerialNumber {
    /// `a` is greater than `b` in RFC 1982 §3.2's sense (undefined at exactly 2^31 apart: false).
    static func isAhead(_ a: UInt32, of b: UInt32) -> Bool {
        a != b && (a &- b) < 0x8000_0000
    }

    /// How far `a` is ahead of `b` (0 when it is not).
    static func distance(_ a: UInt32, ahead b: UInt32) -> UInt32 {
        isAhead(a, of: b) ? a &- b : 0
    }
}
