/// A fixed-bucket histogram whose observation costs a short scan and two adds, no allocation.
struct Histogram: Sendable {
    /// Upper bounds, ascending; one more count holds the +Inf bucket.
    let bounds: [Double]
    private(set) var counts: [UInt64]
    private(set) var sum: Double = 0

    init(bounds: [Double]) {
        self.bounds = bounds
        counts = Array(repeating: 0, count: bounds.count + 1)
    }

    /// A histogram kept elsewhere (`counts` has one more entry than `bounds`: +Inf).
    init(bounds: [Double], counts: [UInt64], sum: Double) {
        precondition(counts.count == bounds.count + 1)
        self.bounds = bounds
        self.counts = counts
        self.sum = sum
    }

    /// CoreDNS's request-duration buckets: 0.25 ms doubling sixteen times (to ~8.2 s).
    static let dnsDuration = Histogram(bounds: (0..<16).map { 0.00025 * Double(1 << $0) })
    /// Probe durations: 1 ms doubling to ~33 s, past the longest allowed probe timeout.
    static let probeDuration = Histogram(bounds: (0..<16).map { 0.001 * Double(1 << $0) })

    mutating func observe(_ seconds: Double) {
        var index = 0
        while index < bounds.count && seconds > bounds[index] { index += 1 }
        counts[index] += 1
        sum += seconds
    }

    var count: UInt64 { counts.reduce(0, +) }
}
