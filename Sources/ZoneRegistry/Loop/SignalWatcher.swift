import CLibUV

/// Runs a Swift closure on the loop when a signal arrives (SIGHUP reload, SIGTERM/SIGINT stop).
/// libuv turns the signal into a loop event, so the closure may touch loop-owned state.
final class SignalWatcher {
    private let handle: UnsafeMutablePointer<uv_signal_t>
    private let action: () -> Void
    private var closed = false

    init(loop: EventLoop, signal: Int32, _ action: @escaping () -> Void) throws(LoopError) {
        self.action = action
        handle = .allocate(capacity: 1)
        _ = uv_signal_init(loop.raw, handle)
        handle.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        let rc = uv_signal_start(handle, signalArrived, signal)
        if rc < 0 {
            close()
            throw LoopError(operation: "watch signal \(signal)", code: rc)
        }
        // A signal watcher alone must not keep the loop running once everything else closed.
        uv_unref(zr_signal_handle(handle))
    }

    func close() {
        guard !closed else { return }
        closed = true
        closeHandle(handle, base: zr_signal_handle(handle))
    }

    fileprivate func fire() {
        action()
    }
}

private func signalArrived(_ handle: UnsafeMutablePointer<uv_signal_t>?, _ signal: Int32) {
    guard let data = handle?.pointee.data else { return }
    Unmanaged<SignalWatcher>.fromOpaque(data)._withUnsafeGuaranteedRef { $0.fire() }
}
