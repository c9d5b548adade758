/// Builds a Prometheus text exposition (format 0.0.4): HELP and TYPE once per family, then
/// its samples. `promtool check metrics` is the judge of what this writes.
///
/// A scrape is rendered on the loop while DNS waits: with 10,000 peers it is 26 MB, ~210,000
/// lines. Each line is written through one pointer into a buffer sized ahead, numbers digit by
/// digit, labels copied ready-made; building Strings (one per number, one per line) held the
/// loop some twenty times as long (210 ms against 10 ms of CPU, `bench/scrape.py`).
struct PrometheusText {
    /// Written up to `length`; the rest is room, so that writing a line is not an append per piece.
    private var buffer: [UInt8]
    private var length = 0
    /// Each bucket's `le` value and the end of its labels (`0.001"} `), end to end, for the
    /// bounds array last rendered: every histogram of a family shares one bounds array.
    private var boundsRendered: [Double] = []
    private var boundLabels: [UInt8] = []
    private var boundLabelEnds: [Int] = []

    enum Kind: String { case counter, gauge, histogram }

    /// `capacity`: the expected size in bytes, to spare the buffer's regrowth (26 MB at 10,000 peers).
    init(capacity: Int = 0) {
        buffer = Array(repeating: 0, count: max(capacity, 4096))
    }

    /// The exposition as text, for tests; the endpoint takes `takeBytes()`.
    var text: String { String(decoding: buffer[..<length], as: UTF8.self) }

    /// The exposition, handed over without a copy; the builder is empty afterwards.
    mutating func takeBytes() -> [UInt8] {
        var bytes: [UInt8] = []
        swap(&bytes, &buffer)
        bytes.removeLast(bytes.count - length)
        length = 0
        return bytes
    }

    mutating func family(_ name: String, _ kind: Kind, help: String) {
        write(atMost: 2 * name.utf8.count + help.utf8.count + 32) { line in
            line.write("# HELP ")
            line.append(name)
            line.append(byte: UInt8(ascii: " "))
            line.append(help)
            line.write("\n# TYPE ")
            line.append(name)
            line.append(byte: UInt8(ascii: " "))
            line.append(kind.rawValue)
            line.append(byte: UInt8(ascii: "\n"))
        }
    }

    mutating func sample(_ name: String, _ labels: [(String, String)] = [], _ value: Double) {
        sample(name, LabelSet(labels), value)
    }

    mutating func sample(_ name: String, _ labels: [(String, String)] = [], _ value: UInt64) {
        sample(name, LabelSet(labels), value)
    }

    mutating func sample(_ name: String, _ labels: LabelSet, _ value: Double) {
        let formatted = PrometheusText.isInteger(value) ? nil : PrometheusText.format(value)
        write(atMost: name.utf8.count + labels.size + (formatted?.utf8.count ?? PrometheusText.numberLimit) + 1) { line in
            line.append(name)
            line.append(labels)
            if let formatted { line.append(formatted) } else { line.appendInteger(value) }
            line.append(byte: UInt8(ascii: "\n"))
        }
    }

    mutating func sample(_ name: String, _ labels: LabelSet, _ value: UInt64) {
        guard value < PrometheusText.integerLimit else { return sample(name, labels, Double(value)) }
        write(atMost: name.utf8.count + labels.size + PrometheusText.numberLimit + 1) { line in
            line.append(name)
            line.append(labels)
            line.appendDigits(value)
            line.append(byte: UInt8(ascii: "\n"))
        }
    }

    mutating func histogram(_ name: String, _ labels: [(String, String)], _ histogram: Histogram) {
        self.histogram(name, LabelSet(labels), histogram)
    }

    /// Cumulative `_bucket` samples with `le`, then `_sum` and `_count`: a registry of 10,000
    /// peers renders 190,000 probe-duration lines per scrape, on the loop that answers DNS.
    mutating func histogram(_ name: String, _ labels: LabelSet, _ histogram: Histogram) {
        if histogram.bounds != boundsRendered {
            boundsRendered = histogram.bounds
            boundLabels = []
            boundLabelEnds = []
            for bound in histogram.bounds {
                boundLabels += Array((PrometheusText.format(bound) + "\"} ").utf8)
                boundLabelEnds.append(boundLabels.count)
            }
        }
        let sum = PrometheusText.isInteger(histogram.sum) ? nil : PrometheusText.format(histogram.sum)
        let boundLabels = self.boundLabels
        let boundLabelEnds = self.boundLabelEnds
        // Per line: name, labels, the fixed text around them (`_bucket{`, `,le="+Inf"} `) and a number.
        let lineLimit = name.utf8.count + labels.size + 32 + PrometheusText.numberLimit
        let limit = (histogram.bounds.count + 3) * lineLimit + boundLabels.count + (sum?.utf8.count ?? 0)
        write(atMost: limit) { line in
            let nameStart = line.position
            line.append(name)
            let nameLength = line.position - nameStart
            line.write("_bucket{")
            let labelsStart = line.position
            line.appendPairs(labels)
            let labelsLength = line.position - labelsStart
            line.write(labelsLength == 0 ? "le=\"" : ",le=\"")
            let prefixLength = line.position - nameStart
            var cumulative: UInt64 = 0
            boundLabels.withUnsafeBufferPointer { bounds in
                var boundStart = 0
                for index in histogram.bounds.indices {
                    if index > 0 { line.repeatBytes(from: nameStart, count: prefixLength) }
                    line.append(UnsafeBufferPointer(rebasing: bounds[boundStart..<boundLabelEnds[index]]))
                    boundStart = boundLabelEnds[index]
                    cumulative += histogram.counts[index]
                    line.appendCount(cumulative)
                    line.append(byte: UInt8(ascii: "\n"))
                }
            }
            cumulative += histogram.counts[histogram.bounds.count]
            line.repeatBytes(from: nameStart, count: prefixLength)
            line.write("+Inf\"} ")
            line.appendCount(cumulative)
            line.append(byte: UInt8(ascii: "\n"))
            line.repeatBytes(from: nameStart, count: nameLength)
            line.write("_sum")
            line.repeatLabelSet(from: labelsStart, count: labelsLength)
            if let sum { line.append(sum) } else { line.appendInteger(histogram.sum) }
            line.append(byte: UInt8(ascii: "\n"))
            line.repeatBytes(from: nameStart, count: nameLength)
            line.write("_count")
            line.repeatLabelSet(from: labelsStart, count: labelsLength)
            line.appendCount(cumulative)
            line.append(byte: UInt8(ascii: "\n"))
        }
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

    /// ±Inf, NaN, whole numbers below 1e15 as integers, anything else as Swift describes it.
    static func format(_ value: Double) -> String {
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value.isNaN { return "NaN" }
        if isInteger(value) { return String(Int64(value)) }
        return String(value)
    }

    /// Written as integers: whole and below 1e15 in magnitude (past it, Swift's exponent form).
    private static func isInteger(_ value: Double) -> Bool {
        value == value.rounded() && abs(value) < 1e15
    }

    fileprivate static let integerLimit: UInt64 = 1_000_000_000_000_000
    /// The longest number `Line` writes: a sign and 15 digits, or a count past 1e15 in Swift's
    /// exponent form (`1.8446744073709552e+19`).
    fileprivate static let numberLimit = 32

    /// Host names and zones never need it; scanning bytes is far cheaper than Characters.
    private static func needsEscaping(_ value: String) -> Bool {
        value.utf8.withContiguousStorageIfAvailable(needsEscaping) ?? needsEscaping(value.utf8)
    }

    private static func needsEscaping(_ bytes: some Sequence<UInt8>) -> Bool {
        for byte in bytes where byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\n") {
            return true
        }
        return false
    }

    /// Runs `body` on the buffer with at least `limit` bytes of room past `length`.
    private mutating func write(atMost limit: Int, _ body: (inout Line) -> Void) {
        if length + limit > buffer.count {
            buffer.append(contentsOf: repeatElement(0, count: max(buffer.count, length + limit - buffer.count)))
        }
        let start = length
        length = buffer.withUnsafeMutableBufferPointer { room in
            var line = Line(base: room.baseAddress!, position: start)
            body(&line)
            // Too late to undo an overrun, but it must not go on unnoticed; the limits are generous.
            precondition(line.position <= room.count, "metrics line overran its room")
            return line.position
        }
    }
}

extension PrometheusText {
    /// Label pairs rendered once, escaped (`key="value",...`): a series written every scrape
    /// keeps its labels, and copying them is far cheaper than escaping and joining again.
    struct LabelSet {
        fileprivate let pairs: [UInt8]

        init(_ labels: [(String, String)]) {
            var text = ""
            for (index, (key, value)) in labels.enumerated() {
                text += index == 0 ? "" : ","
                // Per Character, as it always was ("\r\n" is one Character and is kept as is).
                text += key + "=\"" + PrometheusText.escape(value) + "\""
            }
            pairs = Array(text.utf8)
        }

        /// Bytes of `{pairs} ` at most.
        fileprivate var size: Int { pairs.count + 3 }
    }
}

/// A write position in the buffer, with room made ahead by `write(atMost:)`.
private struct Line {
    let base: UnsafeMutablePointer<UInt8>
    var position: Int

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        (base + position).update(from: source, count: bytes.count)
        position += bytes.count
    }

    mutating func append(_ string: String) {
        if string.utf8.withContiguousStorageIfAvailable({ append($0) }) == nil {
            for byte in string.utf8 { append(byte: byte) }
        }
    }

    /// Fixed text, without the reference counting a String costs.
    mutating func write(_ text: StaticString) {
        text.withUTF8Buffer { append($0) }
    }

    mutating func append(byte: UInt8) {
        base[position] = byte
        position += 1
    }

    /// Copies `count` bytes written earlier at `start` (a histogram's repeated name and labels).
    mutating func repeatBytes(from start: Int, count: Int) {
        (base + position).update(from: base + start, count: count)
        position += count
    }

    /// `{key="value",...} ` or ` `.
    mutating func append(_ labels: PrometheusText.LabelSet) {
        if labels.pairs.isEmpty {
            append(byte: UInt8(ascii: " "))
            return
        }
        append(byte: UInt8(ascii: "{"))
        appendPairs(labels)
        write("} ")
    }

    /// `append(_: LabelSet)` for labels written earlier at `start`.
    mutating func repeatLabelSet(from start: Int, count: Int) {
        if count == 0 {
            append(byte: UInt8(ascii: " "))
            return
        }
        append(byte: UInt8(ascii: "{"))
        repeatBytes(from: start, count: count)
        write("} ")
    }

    /// `key="value",...` without braces.
    mutating func appendPairs(_ labels: PrometheusText.LabelSet) {
        labels.pairs.withUnsafeBufferPointer { append($0) }
    }

    /// A whole Double below 1e15 in magnitude.
    mutating func appendInteger(_ value: Double) {
        if value < 0 { append(byte: UInt8(ascii: "-")) }
        appendDigits(UInt64(abs(value)))
    }

    /// A bucket count, written as the Double it was: exponent form from 1e15.
    mutating func appendCount(_ value: UInt64) {
        if value < PrometheusText.integerLimit {
            appendDigits(value)
        } else {
            append(PrometheusText.format(Double(value)))
        }
    }

    mutating func appendDigits(_ value: UInt64) {
        var digits = 1
        var rest = value / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        rest = value
        var end = position + digits
        position = end
        repeat {
            end -= 1
            base[end] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        } while rest > 0
    }
}
