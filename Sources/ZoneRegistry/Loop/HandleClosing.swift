import CLibUV

/// Carries what must happen once libuv has finished with a handle: the only moment its
/// memory may be released (libuv's rule: free in the close callback, never before).
private final class CloseCompletion {
    let completion: () -> Void
    init(_ completion: @escaping () -> Void) { self.completion = completion }
}

private func handleClosed(_ handle: UnsafeMutablePointer<uv_handle_t>?) {
    guard let data = handle?.pointee.data else { return }
    Unmanaged<CloseCompletion>.fromOpaque(data).takeRetainedValue().completion()
}

/// Closes `handle` (viewed as `base`) exactly once and frees its memory in the close callback,
/// then runs `completion`. After this call the handle's `data` no longer names its owner, so
/// a stray callback cannot reach an owner that is going away.
func closeHandle<Handle>(
    _ handle: UnsafeMutablePointer<Handle>,
    base: UnsafeMutablePointer<uv_handle_t>,
    completion: @escaping () -> Void = {}
) {
    if uv_is_closing(base) != 0 { return }
    let box = CloseCompletion {
        handle.deallocate()
        completion()
    }
    base.pointee.data = Unmanaged.passRetained(box).toOpaque()
    uv_close(base, handleClosed)
}
