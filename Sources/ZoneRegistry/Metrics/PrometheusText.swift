/// Builds a Prometheus text exposition (format 0.0.4): HELP and TYPE once per family, then
/// its samples. `promtool check metrics` is the judge of what this writes.
///
/// A scrape is rendered on the loop while DNS waits: with 10,000 peers it is 26 MB, ~210,000
/// lines. Writing UTF-8 bytes straight into one buffer, numbers digit by digit, took a
/// fraction of the time that building Strings (one per number, one per line) did.
struct PrometheusText {
    private(set) var bytes: [UInt8] = []
    /// The `le` label value and the end of the line's labels, per bucket bound, for the
    /// bounds array last rendered: every histogram of a family shares one bounds array.
    private var boundsRendered: [Double] = []
    private var boundLabels: [[UInt8]] = []
    /// Reused for each histogram's `_bucket{labels,le="` prefix.
    private var prefix: [UInt8] = []

    enum Kind: String { case counter, gauge, histogram }

    /// `capacity`: the expected size in bytes, to spare the buffer's regrowth (26 MB at 10,000 peers).
    init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// The exposition as text, for tests; the endpoint sends `bytes`.
    var text: String { String(decoding: bytes, as: UTF8.self) }

    mutating func family(_ name: String, _ kind: Kind, help: String) {
        append("# HELP ")
        append(name)
        append(" ")
        append(help)
        append("\n# TYPE ")
        append(name)
        append(" ")
        append(kind.rawValue)
        append("\n")
    }

    mutating func sample(_ name: String, _ labels: [(String, String)] = [], _ value: Double) {
        sampleHead(name, labels)
        append(value)
        bytes.append(UInt8(ascii: "\n"))
    }

    mutating func sample(_ name: String, _ labels: [(String, String)] = [], _ value: UInt64) {
        sampleHead(name, labels)
        append(value)
        bytes.append(UInt8(ascii: "\n"))
    }

    /// Cumulative `_bucket` samples with `le`, then `_sum` and `_count`. The labels are escaped
    /// once per histogram, not once per line: a registry of 10,000 peers renders 190,000
    /// probe-duration lines per scrape, on the loop that answers DNS.
    mutating func histogram(_ name: String, _ labels: [(String, String)], _ histogram: Histogram) {
        if histogram.bounds != boundsRendered {
            boundsRendered = histogram.bounds
            boundLabels = histogram.bounds.map { Array((PrometheusText.format($0) + "\"} ").utf8) }
        }
        swap(&prefix, &bytes)
        bytes.removeAll(keepingCapacity: true)
        append(name)
        append("_bucket{")
        let labelsStart = bytes.count
        appendLabels(labels)
        let labelsEnd = bytes.count
        append(labels.isEmpty ? "le=\"" : ",le=\"")
        swap(&prefix, &bytes)
        var cumulative: UInt64 = 0
        for index in histogram.bounds.indices {
            cumulative += histogram.counts[index]
            bytes.append(contentsOf: prefix)
            bytes.append(contentsOf: boundLabels[index])
            append(cumulative)
            bytes.append(UInt8(ascii: "\n"))
        }
        cumulative += histogram.counts[histogram.bounds.count]
        bytes.append(contentsOf: prefix)
        append("+Inf\"} ")
        append(cumulative)
        append("\n")
        append(name)
        append("_sum")
        appendLabelSet(prefix[labelsStart..<labelsEnd])
        append(histogram.sum)
        append("\n")
        append(name)
        append("_count")
        appendLabelSet(prefix[labelsStart..<labelsEnd])
        append(cumulative)
        append("\n")
    }

    /// Label values escape backslash, double quote and newline (exposition format spec).
    static func escape(_ value: String) -> String {
        guard needsEscaping(value) else { return value }
        var result = ""
        for character in value {
            switch character {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            default: result.append(character)
            }
        }
        return result
    }

    /// Host names and zones never need it; scanning bytes is far cheaper than Characters.
    private static func needsEscaping(_ value: String) -> Bool {
        value.utf8.contains { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") }
    }

    static func format(_ value: Double) -> String {
        var text = PrometheusText()
        text.append(value)
        return text.text
    }

    private mutating func append(_ string: String) {
        bytes.append(contentsOf: string.utf8)
    }

    /// `name{key="value",...} ` or `name `.
    private mutating func sampleHead(_ name: String, _ labels: [(String, String)]) {
        append(name)
        if labels.isEmpty {
            bytes.append(UInt8(ascii: " "))
            return
        }
        bytes.append(UInt8(ascii: "{"))
        appendLabels(labels)
        append("} ")
    }

    /// `key="value",...`, escaped, without braces.
    private mutating func appendLabels(_ labels: [(String, String)]) {
        for (index, (key, value)) in labels.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            append(key)
            append("=\"")
            // Escaping is per Character as it always was: "\r\n" is one Character and stays as is.
            append(PrometheusText.needsEscaping(value) ? PrometheusText.escape(value) : value)
            bytes.append(UInt8(ascii: "\""))
        }
    }

    /// `{labels} ` for rendered labels, or ` ` when there are none.
    private mutating func appendLabelSet(_ labels: ArraySlice<UInt8>) {
        if labels.isEmpty {
            bytes.append(UInt8(ascii: " "))
            return
        }
        bytes.append(UInt8(ascii: "{"))
        bytes.append(contentsOf: labels)
        append("} ")
    }

    /// ±Inf, NaN, whole numbers below 1e15 as integers, anything else as Swift describes it.
    private mutating func append(_ value: Double) {
        if value.isInfinite {
            append(value > 0 ? "+Inf" : "-Inf")
        } else if value.isNaN {
            append("NaN")
        } else if value == value.rounded(), abs(value) < 1e15 {
            if value < 0 { bytes.append(UInt8(ascii: "-")) }
            appendDigits(UInt64(abs(value)))
        } else {
            append(String(value))
        }
    }

    /// As the Double it converts to: values from 1e15 are no longer written as integers.
    private mutating func append(_ value: UInt64) {
        if value < 1_000_000_000_000_000 {
            appendDigits(value)
        } else {
            append(Double(value))
        }
    }

    private mutating func appendDigits(_ value: UInt64) {
        var digits = 1
        var rest = value / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        let end = bytes.count + digits
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digits))
        bytes.withUnsafeMutableBufferPointer { buffer in
            var rest = value
            var position = end
            repeat {
                position -= 1
                buffer[position] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
        }
    }
}
