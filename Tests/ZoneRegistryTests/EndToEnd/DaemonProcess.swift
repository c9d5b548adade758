import Foundation

/// The real `zoneregistry` binary started on a test Corefile, as an operator would run it.
/// Stops it (SIGTERM) when the test is done with it.
final class DaemonProcess {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static var binary: URL {
        let candidates = [".build/debug/zoneregistry", ".build/release/zoneregistry"]
        for candidate in candidates {
            let url = packageRoot.appendingPathComponent(candidate)
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return packageRoot.appendingPathComponent(candidates[0])
    }

    private(set) var process = Process()
    let directory: URL
    let corefile: URL
    let port: UInt16
    private var output = Pipe()
    private var errors = Pipe()
    /// Everything the daemon wrote to stderr so far (logs), read after it stopped.
    private(set) var stderrText = ""

    /// Writes `corefile` (with `PORT` replaced by a free port) and starts the daemon on it,
    /// returning once its startup banner says every listener is open.
    init(corefile text: String, extraArguments: [String] = []) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("zr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        corefile = directory.appendingPathComponent("Corefile")
        var lastError = ""
        for _ in 0..<5 {
            let port = UInt16.random(in: 20_000...59_999)
            try text.replacingOccurrences(of: "PORT", with: String(port)).write(to: corefile, atomically: true, encoding: .utf8)
            // A Process runs once and closes its pipes' write ends: a retry needs new ones.
            (process, output, errors) = (Process(), Pipe(), Pipe())
            if try DaemonProcess.launch(process: process, arguments: ["-conf", corefile.path] + extraArguments, output: output, errors: errors) {
                self.port = port
                return
            }
            lastError = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            if !lastError.contains("EADDRINUSE") { break }
            process.waitUntilExit()
        }
        throw DaemonError.didNotStart(lastError)
    }

    private static func launch(process: Process, arguments: [String], output: Pipe, errors: Pipe) throws -> Bool {
        process.executableURL = binary
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        var banner = ""
        while !banner.contains("zoneregistry-") {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { return false }
            banner += String(decoding: data, as: UTF8.self)
        }
        return true
    }

    func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Sends SIGTERM and waits; returns the exit status.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning {
            signal(SIGTERM)
            process.waitUntilExit()
        }
        stderrText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return process.terminationStatus
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    enum DaemonError: Error { case didNotStart(String) }
}
