import CLibUV

/// A libuv timer running a Swift closure on the loop: probe rounds, probe timeouts, lameduck.
///
/// Loop-owned. `close()` when done (or drop it: deinit closes); the memory is freed in the close callback.
final class LoopTimer {
    private let handle: UnsafeMutablePointer<uv_timer_t>
    private var action: (() -> Void)?
    private var closed = false

    init(loop: EventLoop) {
        handle = .allocate(capacity: 1)
        // uv_timer_init cannot fail for an initialised loop.
        _ = uv_timer_init(loop.raw, handle)
        handle.pointee.data = Unmanaged.passUnretained(self).toOpaque()
    }

    /// Runs `action` after `delay` ms, then every `repeatEvery` ms if non-zero. Restarts a running timer.
    func start(after delay: UInt64, repeatEvery: UInt64 = 0, _ action: @escaping () -> Void) {
        guard !closed else { return }
        self.action = action
        uv_timer_start(handle, timerFired, delay, repeatEvery)
    }

    /// Sets what the timer runs without starting it; `rearm` then starts it, with no closure
    /// allocated per start (schedulers re-arm one timer thousands of times a second).
    func setAction(_ action: @escaping () -> Void) {
        guard !closed else { return }
        self.action = action
    }

    /// Runs the action set before once, after `delay` ms; restarts a running timer.
    func rearm(after delay: UInt64) {
        guard !closed, action != nil else { return }
        uv_timer_start(handle, timerFired, delay, 0)
    }

    func stop() {
        guard !closed else { return }
        uv_timer_stop(handle)
        action = nil
    }

    /// Keeps the loop from waiting on this timer alone (e.g. a probe schedule during shutdown).
    func unreference() {
        uv_unref(zr_timer_handle(handle))
    }

    /// A timer dropped without `close()` must not fire into freed memory: `handle.data`
    /// still names this object until the handle is closed.
    deinit { close() }

    func close() {
        guard !closed else { return }
        closed = true
        action = nil
        closeHandle(handle, base: zr_timer_handle(handle))
    }

    fileprivate func fire() {
        action?()
    }
}

private func timerFired(_ handle: UnsafeMutablePointer<uv_timer_t>?) {
    guard let data = handle?.pointee.data else { return }
    Unmanaged<LoopTimer>.fromOpaque(data)._withUnsafeGuaranteedRef { $0.fire() }
}
