/// Query type mnemonics as `require` and dig spell them (RFC 1035 §3.2.2-3, RFC 3597 §5
/// `TYPEnnn` for the rest), case-insensitive.
enum QueryTypeName {
    static let known: [String: UInt16] = [
        "A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "HINFO": 13, "MX": 15, "TXT": 16, "AAAA": 28,
        "SRV": 33, "NAPTR": 35, "DS": 43, "RRSIG": 46, "NSEC": 47, "DNSKEY": 48, "NSEC3": 50, "TLSA": 52,
        "SVCB": 64, "HTTPS": 65, "CAA": 257, "IXFR": 251, "AXFR": 252, "ANY": 255,
    ]

    static func value(_ text: String) -> UInt16? {
        let upper = text.uppercased()
        if let value = known[upper] { return value }
        guard upper.hasPrefix("TYPE"), let value = UInt16(upper.dropFirst(4)), value > 0 else { return nil }
        return value
    }
}
