import Foundation

/// The hardening suites' view of `DaemonProcess`: its log is already a file read live (a
/// thousand peers outgrow a pipe nobody drains), so these are only the extra questions they ask.
typealias LoggedDaemon = DaemonProcess

extension DaemonProcess {
    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }
    var log: String { logText }
    var openFiles: Int { openFileCount(of: pid) }

    /// Writes a new Corefile (same port) and sends SIGHUP; true once the reload is logged as done.
    func reload(_ text: String, timeout: Double = 10) throws -> Bool {
        let marker = "plugin/reload: reloaded"
        let before = logCount(marker)
        try text.replacingOccurrences(of: "PORT", with: String(port)).write(to: corefile, atomically: true, encoding: .utf8)
        signal(SIGHUP)
        return waitForLog(marker, count: before + 1, timeout: timeout)
    }
}
