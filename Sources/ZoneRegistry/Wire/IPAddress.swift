/// An IPv4 address as the four bytes of an A record's RDATA (RFC 1035 §3.4.1).
struct IPv4Address: Hashable, Sendable, CustomStringConvertible {
    /// Address in host order; `bytes` gives network order.
    let value: UInt32

    init(value: UInt32) { self.value = value }

    /// Strict dotted quad: four decimal parts 0–255, no leading zeros beyond "0" itself,
    /// so that "172.100.0.1043" and "010.0.0.1" are rejected rather than guessed at.
    init?(_ text: some StringProtocol) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                  part.count == 1 || part.first != "0",
                  let octet = UInt32(part), octet <= 255 else { return nil }
            value = value << 8 | octet
        }
        self.value = value
    }

    var bytes: [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }

    var isLoopback: Bool { value >> 24 == 127 }

    var description: String {
        "\(value >> 24).\(value >> 16 & 0xff).\(value >> 8 & 0xff).\(value & 0xff)"
    }
}

/// An IPv6 address as the sixteen bytes of an AAAA record's RDATA (RFC 3596 §2.2).
struct IPv6Address: Hashable, Sendable, CustomStringConvertible {
    /// The address as two big halves, so that a value costs no heap allocation on the query path.
    let high: UInt64
    let low: UInt64

    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    init(groups: [UInt16]) {
        precondition(groups.count == 8)
        high = groups[0..<4].reduce(0) { $0 << 16 | UInt64($1) }
        low = groups[4..<8].reduce(0) { $0 << 16 | UInt64($1) }
    }

    /// The eight 16-bit groups, most significant first.
    var groups: [UInt16] {
        (0..<4).map { UInt16(truncatingIfNeeded: high >> (48 - 16 * UInt64($0))) }
            + (0..<4).map { UInt16(truncatingIfNeeded: low >> (48 - 16 * UInt64($0))) }
    }

    /// RFC 4291 §2.2 text forms: full, `::`-compressed, and a trailing dotted IPv4 part.
    init?(_ text: some StringProtocol) {
        var text = Substring(text)
        guard !text.isEmpty, text.count <= 45 else { return nil }
        var tail: [UInt16] = []
        if let lastColon = text.lastIndex(of: ":"), text[lastColon...].contains(".") {
            guard let v4 = IPv4Address(text[text.index(after: lastColon)...]) else { return nil }
            tail = [UInt16(v4.value >> 16), UInt16(v4.value & 0xffff)]
            text = text[...lastColon]
            // "::1.2.3.4" leaves "::"; "a::1.2.3.4" leaves "a::"; "a:b:...:1.2.3.4" leaves "...:".
            if !text.hasSuffix("::") { text = text.dropLast() }
        }
        func parseGroups(_ part: Substring) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            for group in part.split(separator: ":", omittingEmptySubsequences: false) {
                // UInt16(_:radix:) alone would take "+f" and "-0"; RFC 4291 groups are bare hex digits.
                guard (1...4).contains(group.count), group.allSatisfy({ $0.isASCII && $0.isHexDigit }),
                      let value = UInt16(group, radix: 16) else { return nil }
                result.append(value)
            }
            return result
        }
        let halves = text.components(separatedBy: "::")
        var groups: [UInt16]
        switch halves.count {
        case 1:
            guard let all = parseGroups(Substring(halves[0])) else { return nil }
            groups = all + tail
            guard groups.count == 8 else { return nil }
        case 2:
            guard let head = parseGroups(Substring(halves[0])),
                  let rest = parseGroups(Substring(halves[1])) else { return nil }
            let known = head.count + rest.count + tail.count
            guard known <= 7 else { return nil }
            groups = head + Array(repeating: 0, count: 8 - known) + rest + tail
        default:
            return nil
        }
        self.init(groups: groups)
    }

    var bytes: [UInt8] {
        groups.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] }
    }

    var isLoopback: Bool { high == 0 && low == 1 }

    /// RFC 5952 canonical text: lowercase, longest run of two or more zero groups as `::`.
    var description: String {
        let groups = self.groups
        var bestStart = -1, bestLength = 1
        var index = 0
        while index < 8 {
            if groups[index] == 0 {
                var end = index
                while end < 8 && groups[end] == 0 { end += 1 }
                if end - index > bestLength { bestStart = index; bestLength = end - index }
                index = end
            } else {
                index += 1
            }
        }
        func hex(_ slice: ArraySlice<UInt16>) -> String {
            slice.map { String($0, radix: 16) }.joined(separator: ":")
        }
        if bestStart < 0 { return hex(groups[...]) }
        return hex(groups[..<bestStart]) + "::" + hex(groups[(bestStart + bestLength)...])
    }
}
