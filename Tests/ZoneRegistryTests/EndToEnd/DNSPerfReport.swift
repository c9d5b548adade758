import Foundation

/// One `dnsperf` run at a fixed rate and what it reports: every query sent, answered or lost,
/// the response codes, and the latency range in seconds.
struct DNSPerfReport {
    var sent = 0
    var completed = 0
    var lost = 0
    var responseCodes: [String: Int] = [:]
    var averageLatency = 0.0
    var maximumLatency = 0.0
    var raw = ""

    /// `dnsperf -s SERVER -p PORT -d FILE -l SECONDS -Q RATE`, each line of `queries` one
    /// `NAME TYPE` query.
    static func run(queries: [String], server: String = "127.0.0.1", port: UInt16, seconds: Int, rate: Int) throws -> DNSPerfReport {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("zr-dnsperf-\(UUID().uuidString)")
        try (queries.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/dnsperf")
        process.arguments = ["-s", server, "-p", String(port), "-d", file.path, "-l", String(seconds), "-Q", String(rate), "-t", "2"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return parse(text)
    }

    /// Reads dnsperf 2.x's statistics block:
    /// `Queries sent: 3000`, `Queries completed: 3000 (100.00%)`, `Queries lost: 0 (0.00%)`,
    /// `Response codes: NOERROR 3000 (100.00%)`, `Average Latency (s): 0.000083 (min 0.000041, max 0.001705)`.
    static func parse(_ text: String) -> DNSPerfReport {
        var report = DNSPerfReport(raw: text)
        for line in text.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "(" || $0 == ")" })
            let words = fields.map(String.init)
            if line.contains("Queries sent:"), let value = words.last.flatMap(Int.init) {
                report.sent = value
            } else if line.contains("Queries completed:"), words.count > 2, let value = Int(words[2]) {
                report.completed = value
            } else if line.contains("Queries lost:"), words.count > 2, let value = Int(words[2]) {
                report.lost = value
            } else if line.contains("Response codes:") {
                var index = 2
                while index + 1 < words.count {
                    if let count = Int(words[index + 1]) { report.responseCodes[words[index]] = count }
                    index += 3
                }
            } else if line.contains("Average Latency (s):") {
                if words.count > 3, let average = Double(words[3]) { report.averageLatency = average }
                if let index = words.firstIndex(of: "max"), index + 1 < words.count, let maximum = Double(words[index + 1]) {
                    report.maximumLatency = maximum
                }
            }
        }
        return report
    }
}
