import CLibUV

/// The daemon's single libuv loop. Every listener, probe, timer and the peer table live on
/// the thread that calls `run()`; nothing here is shared with another thread, so no locks.
final class EventLoop {
    let raw: UnsafeMutablePointer<uv_loop_t>

    init() throws(LoopError) {
        raw = .allocate(capacity: 1)
        do {
            try uvCheck(uv_loop_init(raw), "uv_loop_init")
        } catch {
            raw.deallocate()
            throw error
        }
        // libuv leaves SIGPIPE at its default (terminate); a peer closing mid-write must not kill us.
        _ = zr_ignore_sigpipe()
        _ = zr_unblock_control_signals()
    }

    /// Runs until every handle is closed or `stop()` is called.
    func run() {
        uv_run(raw, UV_RUN_DEFAULT)
    }

    func stop() {
        uv_stop(raw)
    }

    /// Loop time in milliseconds, cached per iteration (cheap; no system call).
    var nowMilliseconds: UInt64 { uv_now(raw) }

    /// Refreshes the cached loop time (a system call), for work started outside a callback.
    func updateTime() {
        uv_update_time(raw)
    }

    /// Handles still open or closing: the "loop handle count" sampled by the soak bench.
    var activeHandleCount: Int {
        var count = 0
        uv_walk(raw, { _, argument in
            argument?.assumingMemoryBound(to: Int.self).pointee += 1
        }, &count)
        return count
    }

    deinit {
        // Closing fails with EBUSY while handles remain; the daemon closes them all before exit.
        _ = uv_loop_close(raw)
        raw.deallocate()
    }
}
