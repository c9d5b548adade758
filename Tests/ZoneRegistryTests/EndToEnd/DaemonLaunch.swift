import Foundation

/// How end-to-end tests start the `zoneregistry` binary: directly, or through the command in
/// `ZR_DAEMON_WRAPPER`, which gets the binary and its arguments and must `exec` it (same
/// process ID: pidfile and /proc checks still see the daemon). `make test-memcheck` sets it to
/// `Tests/Valgrind/memcheck.sh`. Every start of the binary goes through `configure`, so no
/// daemon escapes the wrapper.
enum DaemonLaunch {
    static let wrapper: String? = {
        let value = ProcessInfo.processInfo.environment["ZR_DAEMON_WRAPPER"] ?? ""
        return value.isEmpty ? nil : value
    }()

    /// What every wait on the daemon is multiplied by: 1 normally; under a wrapper
    /// `ZR_TIME_SCALE` (default 10), because memcheck runs the daemon 20-50 times slower and
    /// takes seconds to start. Only waits scale (polls, client timeouts, the stop grace): a
    /// timer inside the daemon (lameduck, idle timeouts) runs on the wall clock either way.
    static let timeScale: Double = {
        guard wrapper != nil else { return 1 }
        return ProcessInfo.processInfo.environment["ZR_TIME_SCALE"].flatMap(Double.init) ?? 10
    }()

    /// `seconds` of waiting for the daemon, stretched by `timeScale`.
    static func scaled(_ seconds: Double) -> Double { seconds * timeScale }

    /// Points `process` at the binary (or the wrapper) with `arguments` for the daemon.
    static func configure(_ process: Process, arguments: [String]) {
        if let wrapper {
            process.executableURL = URL(fileURLWithPath: wrapper)
            process.arguments = [DaemonProcess.binary.path] + arguments
        } else {
            process.executableURL = DaemonProcess.binary
            process.arguments = arguments
        }
    }
}
