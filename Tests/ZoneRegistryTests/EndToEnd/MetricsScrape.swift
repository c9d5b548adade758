import Foundation

/// One `/metrics` scrape, read the way a Prometheus query would select series.
struct MetricsScrape {
    struct Sample {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    let text: String
    let samples: [Sample]

    init(_ text: String) {
        self.text = text
        samples = text.split(separator: "\n").compactMap(MetricsScrape.parse)
    }

    /// `curl http://ADDRESS/metrics`.
    static func scrape(_ address: String) throws -> MetricsScrape {
        let result = try Curl.get("http://\(address)/metrics")
        return MetricsScrape(result.status == 200 ? result.body : "")
    }

    /// The series of `name` whose labels include `matching`.
    func series(_ name: String, _ matching: [String: String] = [:]) -> [Sample] {
        samples.filter { sample in
            sample.name == name && matching.allSatisfy { sample.labels[$0.key] == $0.value }
        }
    }

    /// The sum over `series(name, matching)`, as `sum(name{matching})` would be; 0 when none.
    func sum(_ name: String, _ matching: [String: String] = [:]) -> Double {
        series(name, matching).reduce(0) { $0 + $1.value }
    }

    /// `name{labels} value`; label values here never hold `,` `"` `}` or escapes.
    private static func parse(_ line: Substring) -> Sample? {
        guard !line.hasPrefix("#"), let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
            return nil
        }
        let series = line[..<space]
        guard let brace = series.firstIndex(of: "{") else { return Sample(name: String(series), labels: [:], value: value) }
        var labels: [String: String] = [:]
        for pair in series[series.index(after: brace)..<series.index(before: series.endIndex)].split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            labels[String(parts[0])] = String(parts[1].dropFirst().dropLast())
        }
        return Sample(name: String(series[..<brace]), labels: labels, value: value)
    }
}

/// `promtool check metrics`, the judge of the exposition format (Debian package `prometheus`).
enum Promtool {
    /// Exit status and everything promtool printed (problems, one per line).
    static func checkMetrics(_ text: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/promtool")
        process.arguments = ["check", "metrics"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
