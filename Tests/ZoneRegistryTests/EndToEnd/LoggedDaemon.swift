import Foundation

/// The real `zoneregistry` binary whose log (stderr) goes to a file that a test reads while
/// it runs: with a thousand peers the log outgrows a pipe nobody reads, and a daemon blocked
/// writing to stderr would stall its loop. The Corefile can be rewritten and reloaded (SIGHUP).
final class LoggedDaemon {
    private(set) var process = Process()
    let directory: URL
    let corefile: URL
    let logFile: URL
    let port: UInt16

    /// Starts on `corefile` with `PORT` replaced by a free port; returns once the banner says
    /// every listener is open.
    init(corefile text: String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("zr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        corefile = directory.appendingPathComponent("Corefile")
        logFile = directory.appendingPathComponent("stderr.log")
        var lastError = ""
        for _ in 0..<5 {
            let port = UInt16.random(in: 20_000...59_999)
            try text.replacingOccurrences(of: "PORT", with: String(port)).write(to: corefile, atomically: true, encoding: .utf8)
            _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
            let output = Pipe()
            process = Process()
            process.executableURL = DaemonProcess.binary
            process.arguments = ["-conf", corefile.path]
            process.standardOutput = output
            process.standardError = try FileHandle(forWritingTo: logFile)
            try process.run()
            var banner = ""
            while !banner.contains("zoneregistry-") {
                let data = output.fileHandleForReading.availableData
                if data.isEmpty { break }
                banner += String(decoding: data, as: UTF8.self)
            }
            if banner.contains("zoneregistry-") {
                self.port = port
                return
            }
            process.waitUntilExit()
            lastError = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
            if !lastError.contains("EADDRINUSE") { break }
        }
        throw DaemonProcess.DaemonError.didNotStart(lastError)
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }
    var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }
    var openFiles: Int { openFileCount(of: pid) }

    /// Writes a new Corefile (same port) and sends SIGHUP; true once the reload is logged as done.
    func reload(_ text: String, timeout: Double = 10) throws -> Bool {
        let marker = "plugin/reload: reloaded"
        let before = log.components(separatedBy: marker).count
        try text.replacingOccurrences(of: "PORT", with: String(port)).write(to: corefile, atomically: true, encoding: .utf8)
        kill(pid, SIGHUP)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if log.components(separatedBy: marker).count > before { return true }
            usleep(50_000)
        }
        return false
    }

    /// SIGTERM, then the exit status.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning {
            kill(pid, SIGTERM)
            process.waitUntilExit()
        }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }
}
