import CLibUV

/// A libuv idle handle: while started, runs its action once per loop iteration, and the
/// loop's poll for I/O does not wait. For work cut into small slices with a poll between
/// them, so sockets are served between slices (a timer re-armed with no delay would run
/// again before the poll: libuv 1.44 runs every due timer in one pass).
///
/// Loop-owned. `close()` when done (or drop it: deinit closes); the memory is freed in the close callback.
final class LoopIdle {
    private let handle: UnsafeMutablePointer<uv_idle_t>
    private let action: () -> Void
    private var active = false
    private var closed = false

    init(loop: EventLoop, action: @escaping () -> Void) {
        self.action = action
        handle = .allocate(capacity: 1)
        // uv_idle_init cannot fail for an initialised loop.
        _ = uv_idle_init(loop.raw, handle)
        handle.pointee.data = Unmanaged.passUnretained(self).toOpaque()
    }

    func start() {
        guard !closed, !active else { return }
        active = true
        uv_idle_start(handle, idleFired)
    }

    func stop() {
        guard !closed, active else { return }
        active = false
        uv_idle_stop(handle)
    }

    deinit { close() }

    func close() {
        guard !closed else { return }
        closed = true
        closeHandle(handle, base: UnsafeMutablePointer<uv_handle_t>(OpaquePointer(handle)))
    }

    fileprivate func fire() {
        action()
    }
}

private func idleFired(_ handle: UnsafeMutablePointer<uv_idle_t>?) {
    guard let data = handle?.pointee.data else { return }
    Unmanaged<LoopIdle>.fromOpaque(data)._withUnsafeGuaranteedRef { $0.fire() }
}
