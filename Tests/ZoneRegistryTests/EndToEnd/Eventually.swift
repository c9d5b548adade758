import Foundation

/// Polls `condition` every `every` seconds until it holds; false when `timeout` seconds
/// (scaled by `DaemonLaunch.timeScale`) pass first. End-to-end tests wait on what an operator
/// would watch (an answer, a status code), never on a fixed sleep.
@discardableResult
func eventually(timeout: Double, every: Double = 0.1, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(DaemonLaunch.scaled(timeout))
    repeat {
        if try condition() { return true }
        usleep(UInt32(every * 1_000_000))
    } while Date() < deadline
    return try condition()
}

/// Seconds `body` took.
func measure(_ body: () throws -> Void) rethrows -> Double {
    let started = Date()
    try body()
    return Date().timeIntervalSince(started)
}
