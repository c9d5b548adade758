import Foundation

/// `dnsperf` (DNS-OARC) sending a steady stream of queries in the background, as real client
/// traffic does while an operator reloads.
final class Dnsperf {
    struct Statistics {
        var sent = 0
        var completed = 0
        var lost = 0
        var output = ""
    }

    private let process = Process()
    private let output = Pipe()
    private let directory: URL

    /// Starts `dnsperf -s SERVER -p PORT -d FILE -l SECONDS -Q QPS`; `queries` are dnsperf
    /// input lines (`app.example.net A`).
    init(server: String, port: UInt16, queries: [String], seconds: Int, queriesPerSecond: Int) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("dnsperf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("queries")
        try (queries.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/dnsperf")
        process.arguments = ["-s", server, "-p", String(port), "-d", file.path, "-l", String(seconds),
                             "-Q", String(queriesPerSecond), "-t", "2"]
        process.standardOutput = output
        process.standardError = output
        try process.run()
    }

    /// Waits for the run to end and reads dnsperf's summary.
    func finish() -> Statistics {
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        var statistics = Statistics(output: String(decoding: data, as: UTF8.self))
        for line in statistics.output.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3, let value = Int(fields[2]) else { continue }
            switch (fields[0], fields[1]) {
            case ("Queries", "sent:"): statistics.sent = value
            case ("Queries", "completed:"): statistics.completed = value
            case ("Queries", "lost:"): statistics.lost = value
            default: break
            }
        }
        return statistics
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }
}
