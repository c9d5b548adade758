import Foundation

/// What a process writes to a pipe, collected as it arrives, so a test can wait for a log line
/// (`peer prod1.example.test. down: connect refused`) while the process still runs. The pipe is
/// drained all the time, so a chatty daemon never blocks on a full pipe.
///
/// Filled on Foundation's reader thread, read on the test's: every access holds the lock.
final class DaemonLog: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes = Data()
    private var ended = false
    private let end = DispatchSemaphore(value: 0)

    /// Starts draining `handle` until end of file.
    func collect(from handle: FileHandle) {
        handle.readabilityHandler = { [self] handle in
            let data = handle.availableData
            lock.lock()
            defer { lock.unlock() }
            if data.isEmpty {
                handle.readabilityHandler = nil
                if !ended {
                    ended = true
                    end.signal()
                }
            } else {
                bytes.append(data)
            }
        }
    }

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// How many lines logged so far contain `fragment`.
    func count(_ fragment: String) -> Int {
        text.split(separator: "\n").filter { $0.contains(fragment) }.count
    }

    /// Waits for the writer to close the pipe (it exited), at most `seconds`.
    func waitForEnd(seconds: Double = 5) {
        if end.wait(timeout: .now() + seconds) == .success {
            // Leave the signal for the next caller: `stop()` may run more than once.
            end.signal()
        }
    }
}
