/// Durations as CoreDNS writes them (Go's `time.ParseDuration`: `100ms`, `5s`, `1m30s`, `1.5h`),
/// plus the plugin's bare numbers, which are seconds (`interval 5`).
enum GoDuration {
    private static let nanosecondsPerUnit: [String: Double] = [
        "ns": 1, "us": 1e3, "µs": 1e3, "μs": 1e3, "ms": 1e6, "s": 1e9, "m": 60e9, "h": 3600e9,
    ]

    /// Nanoseconds, or nil when `text` is not a duration. Signs are accepted so that "-5s"
    /// is reported as out of range rather than as unreadable.
    static func nanoseconds(_ text: String) -> Double? {
        var rest = Substring(text)
        var sign = 1.0
        if rest.first == "-" || rest.first == "+" {
            sign = rest.first == "-" ? -1 : 1
            rest = rest.dropFirst()
        }
        guard !rest.isEmpty else { return nil }
        if rest.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) {
            return number(rest).map { sign * $0 * 1e9 }
        }
        var total = 0.0
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            rest = rest.dropFirst(digits.count)
            let unit = rest.prefix { !($0.isASCII && ($0.isNumber || $0 == ".")) }
            rest = rest.dropFirst(unit.count)
            guard let value = number(digits), let scale = nanosecondsPerUnit[String(unit)] else { return nil }
            total += value * scale
        }
        return sign * total
    }

    /// `12`, `1.5`, `.5` or `5.`, as Go accepts; not `.` or `1.2.3`.
    private static func number(_ text: Substring) -> Double? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard text.filter({ $0 == "." }).count <= 1, parts.contains(where: { !$0.isEmpty }) else { return nil }
        return Double(text.hasPrefix(".") ? "0" + text : String(text))
    }

    /// `90000` ms as `1m30s`, the shortest form a user would write back.
    static func format(milliseconds: Int) -> String {
        if milliseconds == 0 { return "0s" }
        var rest = milliseconds
        var text = ""
        for (unit, size) in [("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1)] where rest >= size {
            text += "\(rest / size)\(unit)"
            rest %= size
        }
        return text
    }
}
