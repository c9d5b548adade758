import Foundation

/// One HTTP exchange as `curl` saw it.
struct CurlResult {
    /// 0 when curl got no HTTP response at all (refused, reset, timed out).
    var status = 0
    var headers: [String: String] = [:]
    var body = ""
    /// curl's own `time_total`, in seconds.
    var seconds = 0.0
    var exitCode: Int32 = 0
}

/// Runs the real `curl`, as a kubelet probe or an operator at a shell would.
enum Curl {
    /// `curl -sS -i --max-time T OPTIONS URL`; `-w` appends the status and the time on a last line.
    static func run(_ url: String, options: [String] = [], maxTime: Double = 10) throws -> CurlResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-sS", "-i", "--max-time", String(maxTime), "-w", "\n%{http_code} %{time_total}"] + options + [url]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        var result = parse(String(decoding: data, as: UTF8.self))
        result.exitCode = process.terminationStatus
        return result
    }

    static func get(_ url: String, maxTime: Double = 10) throws -> CurlResult {
        try run(url, maxTime: maxTime)
    }

    /// Splits `-i` output (head, blank line, body) and the `-w` line after it.
    static func parse(_ text: String) -> CurlResult {
        var result = CurlResult()
        guard let lastNewline = text.lastIndex(of: "\n") else { return result }
        let trailer = text[text.index(after: lastNewline)...].split(separator: " ")
        result.status = trailer.first.flatMap { Int($0) } ?? 0
        result.seconds = trailer.count > 1 ? Double(trailer[1]) ?? 0 : 0
        let message = String(text[..<lastNewline])
        guard let split = message.range(of: "\r\n\r\n") else { return result }
        for line in message[..<split.lowerBound].split(separator: "\r\n").dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            result.headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        result.body = String(message[split.upperBound...])
        return result
    }
}
