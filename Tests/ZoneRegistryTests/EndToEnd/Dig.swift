import Foundation

/// Runs the real `dig` and reads its answer back as an operator would read it.
struct DigAnswer {
    var status = ""
    var flags: Set<String> = []
    var answer: [DigRecord] = []
    var authority: [DigRecord] = []
    var additional: [DigRecord] = []
    var ednsVersion: Int?
    var ednsUDPSize: Int?
    var raw = ""

    var isAuthoritative: Bool { flags.contains("aa") }
    var isTruncated: Bool { flags.contains("tc") }
}

/// One record line of dig's output: `app.example.net. 300 IN A 127.0.0.11`.
struct DigRecord: Equatable, CustomStringConvertible {
    var name: String
    var ttl: Int
    var type: String
    var data: String

    var description: String { "\(name) \(ttl) \(type) \(data)" }
}

enum Dig {
    /// `dig @127.0.0.1 -p PORT NAME TYPE +norec +time=2 +tries=1 OPTIONS...` (the time scaled
    /// by `DaemonLaunch.timeScale`)
    static func query(_ name: String, _ type: String = "A", port: UInt16, server: String = "127.0.0.1", options: [String] = []) throws -> DigAnswer {
        let seconds = Int(DaemonLaunch.scaled(2))
        return parse(try output(of: "/usr/bin/dig",
                                ["@\(server)", "-p", String(port), name, type, "+norec", "+time=\(seconds)", "+tries=1"] + options))
    }

    /// What a client tool printed (stdout and stderr together) once it exited.
    static func output(of executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    static func parse(_ text: String) -> DigAnswer {
        var result = DigAnswer(raw: text)
        var section: WritableKeyPath<DigAnswer, [DigRecord]>?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix(";; ->>HEADER<<-"), let range = line.range(of: "status: ") {
                result.status = String(line[range.upperBound...].prefix { $0 != "," })
            } else if line.hasPrefix(";; flags:") {
                let flagText = line.dropFirst(";; flags:".count).prefix { $0 != ";" }
                result.flags = Set(flagText.split(separator: " ").map(String.init))
            } else if line.hasPrefix("; EDNS: version:") {
                let parts = line.split(separator: " ")
                if let index = parts.firstIndex(of: "version:"), index + 1 < parts.count {
                    result.ednsVersion = Int(parts[index + 1].trimmingCharacters(in: CharacterSet(charactersIn: ",")))
                }
                if let index = parts.firstIndex(of: "udp:"), index + 1 < parts.count {
                    result.ednsUDPSize = Int(parts[index + 1])
                }
            } else if line.hasPrefix(";; ANSWER SECTION:") {
                section = \.answer
            } else if line.hasPrefix(";; AUTHORITY SECTION:") {
                section = \.authority
            } else if line.hasPrefix(";; ADDITIONAL SECTION:") {
                section = \.additional
            } else if line.isEmpty || line.hasPrefix(";") {
                if line.isEmpty { section = nil }
            } else if let section {
                let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                guard fields.count >= 5, let ttl = Int(fields[1]) else { continue }
                result[keyPath: section].append(DigRecord(
                    name: String(fields[0]), ttl: ttl, type: String(fields[3]),
                    data: fields[4...].joined(separator: " ")))
            }
        }
        return result
    }
}
