/// The outcome of one probe of one address: a value, never a thrown error (STYLE.md).
///
/// Probes report one verdict per check; `HealthState` alone turns verdicts into up/down.
/// `description` is the text an operator reads after `peer H down: `.
enum ProbeVerdict: Sendable, Equatable, CustomStringConvertible {
    case pass
    /// The peer answered the connect with RST (`ECONNREFUSED`).
    case refused
    /// No verdict within the probe's timeout, which is carried for the log line.
    case timeout(milliseconds: Int)
    /// The connection was reset after it was established.
    case reset
    /// No route to the host or its network.
    case unreachable
    /// The connection closed before a whole status line arrived.
    case closedEarly
    /// The connection closed after the status line, before the blank line ending the headers.
    case closedInHeaders
    /// The first bytes are not an HTTP/1.x status line.
    case garbage
    /// No end of the status line within `HTTPStatusReader`'s bound.
    case oversized
    /// No end of the header section within `HTTPStatusReader`'s bound.
    case headersTooLong
    /// An HTTP status the peer's `expect` does not list (SPEC §5's default: only 200).
    case status(Int, expected: ExpectedStatus = .ok)
    /// `expect_body`: the text is not in the first 64 KiB of the body.
    case bodyLacks(String)
    /// A `Transfer-Encoding: chunked` body that breaks RFC 9112 §7.1's framing.
    case badChunkedBody
    /// A TLS handshake or certificate failure, with OpenSSL's reason.
    case tls(String)
    case other(String)

    var passed: Bool { self == .pass }

    var description: String {
        switch self {
        case .pass: "pass"
        case .refused: "connect refused"
        case .timeout(let milliseconds): "timeout after \(milliseconds)ms"
        case .reset: "connection reset"
        case .unreachable: "unreachable"
        case .closedEarly: "closed before status line"
        case .closedInHeaders: "closed before end of headers"
        case .garbage: "not an HTTP status line"
        case .oversized: "status line too long"
        case .headersTooLong: "headers too long"
        case .status(let code, let expected): "status \(code) (expected \(expected))"
        case .bodyLacks(let text): "body lacks \(quoted(text))"
        case .badChunkedBody: "malformed chunked body"
        case .tls(let reason): "TLS: \(reason)"
        case .other(let text): text
        }
    }
}

extension ProbeVerdict {
    /// The verdict for a libuv error reported by name (`uv_err_name`), so nothing above
    /// `Loop/` needs an errno. `timeoutMilliseconds` is the probe's own bound.
    init(uvErrorName name: String, timeoutMilliseconds: Int) {
        switch name {
        case "ECONNREFUSED":
            self = .refused
        case "ECONNRESET", "ECONNABORTED", "EPIPE":
            // EPIPE: the peer closed while the request was being written; to the operator
            // that is the same event as a reset.
            self = .reset
        case "ETIMEDOUT":
            self = .timeout(milliseconds: timeoutMilliseconds)
        case "ECANCELED":
            // libuv cancels pending connect/write callbacks only when the probe's timer
            // closed the handle (MACHINE-NOTES), so a cancelled probe is a timed-out probe.
            self = .timeout(milliseconds: timeoutMilliseconds)
        case "EHOSTUNREACH", "ENETUNREACH", "ENETDOWN", "EHOSTDOWN", "EADDRNOTAVAIL":
            self = .unreachable
        case "EOF":
            self = .closedEarly
        default:
            self = .other("socket error \(name)")
        }
    }

    /// The verdict when the socket could not even be opened: a source address that vanished
    /// since the load (`probe_source` checked then) is named as such, not as the peer's fault.
    init(startFailure error: LoopError, timeoutMilliseconds: Int) {
        if error.operation.hasPrefix("bind ") {
            self = .other("cannot send from probe_source: \(error)")
        } else {
            self.init(uvErrorName: error.name, timeoutMilliseconds: timeoutMilliseconds)
        }
    }
}
