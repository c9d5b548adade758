import Foundation

/// The real `zoneregistry` binary started on a test Corefile, as an operator would run it
/// (under `ZR_DAEMON_WRAPPER` when set: see `DaemonLaunch`). Stops it (SIGTERM) when the test
/// is done with it.
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

    /// A fresh `Process` per attempt: Foundation refuses to run one twice.
    private(set) var process = Process()
    let directory: URL
    let corefile: URL
    let port: UInt16
    private var output = Pipe()
    /// stderr goes to a file, not a pipe: a daemon with `log` writes a line per query, and a
    /// pipe nobody drains would fill and block its loop mid-test.
    let stderrFile: URL
    /// Everything the daemon wrote to stderr (its log) so far.
    var stderrText: String { logText }

    /// Writes `corefile` (with `PORT` replaced by a free port) and starts the daemon on it,
    /// returning once its startup banner says every listener is open. `environment` is added
    /// to the test's own (for the Corefile's `{$NAME}`).
    init(corefile text: String, extraArguments: [String] = [], environment: [String: String] = [:]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("zr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        corefile = directory.appendingPathComponent("Corefile")
        stderrFile = directory.appendingPathComponent("stderr.log")
        var lastError = ""
        for _ in 0..<5 {
            process = Process()
            output = Pipe()
            let port = UInt16.random(in: 20_000...59_999)
            try text.replacingOccurrences(of: "PORT", with: String(port)).write(to: corefile, atomically: true, encoding: .utf8)
            if !environment.isEmpty {
                process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            }
            if try DaemonProcess.launch(process: process, arguments: ["-conf", corefile.path] + extraArguments, output: output, errors: stderrFile) {
                self.port = port
                return
            }
            process.waitUntilExit()
            lastError = (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? ""
            if !lastError.contains("EADDRINUSE") { break }
        }
        throw DaemonError.didNotStart(lastError)
    }

    private static func launch(process: Process, arguments: [String], output: Pipe, errors: URL) throws -> Bool {
        DaemonLaunch.configure(process, arguments: arguments)
        process.standardOutput = output
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        let log = try FileHandle(forWritingTo: errors)
        process.standardError = log
        try process.run()
        try? log.close()
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

    /// What the daemon has logged so far, while it runs.
    var logText: String {
        (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? ""
    }

    /// How many times `text` occurs in the log so far.
    func logCount(_ text: String) -> Int {
        logText.components(separatedBy: text).count - 1
    }

    /// Polls the log until `text` occurs at least `count` times; false after `timeout` seconds
    /// (scaled by `DaemonLaunch.timeScale`).
    @discardableResult
    func waitForLog(_ text: String, count: Int = 1, timeout: Double = 5) -> Bool {
        let deadline = Date().addingTimeInterval(DaemonLaunch.scaled(timeout))
        repeat {
            if logCount(text) >= count { return true }
            usleep(20_000)
        } while Date() < deadline
        return false
    }

    /// Waits (without signalling) for the daemon to exit by itself; returns the exit status.
    @discardableResult
    func waitForExit() -> Int32 {
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Sends SIGTERM and waits (SIGKILL after the grace period); returns the exit status.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning {
            signal(SIGTERM)
            killAfterGrace()
        }
        return process.terminationStatus
    }

    /// Longer than any test's `lameduck` (5 s); a daemon still running after it is hung.
    static let grace = 10.0

    private func killAfterGrace() {
        let deadline = Date().addingTimeInterval(DaemonLaunch.scaled(Self.grace))
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { signal(SIGKILL) }
        process.waitUntilExit()
    }

    static let lameduckMarker = "plugin/health: Going into lameduck mode"

    /// A test done with its daemon ends it as an operator would, never with SIGKILL: under
    /// memcheck only a clean exit runs the leak check and writes the log's summary. A daemon
    /// that goes into lameduck gets a second signal, which ends it at once.
    deinit {
        if process.isRunning {
            let lameducks = logCount(Self.lameduckMarker)
            signal(SIGTERM)
            let deadline = Date().addingTimeInterval(DaemonLaunch.scaled(2))
            while process.isRunning && Date() < deadline && logCount(Self.lameduckMarker) == lameducks { usleep(10_000) }
            if process.isRunning { signal(SIGTERM) }
            killAfterGrace()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    enum DaemonError: Error { case didNotStart(String) }
}
