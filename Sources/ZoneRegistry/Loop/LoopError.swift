import CLibUV

/// A failed libuv call, carrying libuv's own error name (`EADDRINUSE`) so messages match
/// what operators see from other libuv programs. Nothing above `Loop/` sees a raw errno.
struct LoopError: Error, Equatable, CustomStringConvertible {
    let operation: String
    let code: Int32

    var name: String { String(cString: uv_err_name(code)) }
    var message: String { String(cString: uv_strerror(code)) }
    var description: String { "\(operation): \(name) (\(message))" }
}

/// Checks a libuv return code once, where the call is made.
@inline(__always)
func uvCheck(_ code: Int32, _ operation: @autoclosure () -> String) throws(LoopError) {
    if code < 0 { throw LoopError(operation: operation(), code: code) }
}
