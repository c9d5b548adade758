/// The libFuzzer targets (`make fuzz`): each takes arbitrary bytes, feeds them to one parser
/// of hostile input, and checks what must hold whatever the bytes. A broken invariant is a
/// thrown `FuzzViolation`; the libFuzzer entry (`FuzzDriver`, built only with -DFUZZING)
/// traps on it so the input is saved as a crash, and unit tests replay the committed corpora
/// through the same code (`Tests/Fuzz/corpus/<target>/`).
///
/// Compiled into every build so the replay tests run in plain `swift test`; nothing in the
/// daemon calls it. One instance is used from one thread.
enum FuzzTarget: String, CaseIterable, Sendable {
    /// A DNS message through `QueryResponder.respond`, over UDP and TCP.
    case dns
    /// Corefile text through `CorefileParser.parse`, then into runtime blocks and responders.
    case corefile
    /// Bytes from an HTTP client through `HTTPRequestReader`, in chunks.
    case httpRequest = "http-request"
    /// Bytes from a probed peer through `HTTPStatusReader`, in chunks.
    case httpStatus = "http-status"
    /// A request to the control API through `HTTPRequestReader` and the control routes.
    case controlRequest = "control-request"
    /// A fellow master's view strings through `MasterView.parse` and `OverrideSet.adopt`.
    case masterView = "master-view"

    /// The checker for this target; it may keep state (a responder) between inputs.
    func makeChecker() -> any FuzzChecker {
        switch self {
        case .dns: DNSMessageFuzzer()
        case .corefile: CorefileFuzzer()
        case .httpRequest: HTTPRequestFuzzer()
        case .httpStatus: HTTPStatusFuzzer()
        case .controlRequest: ControlRequestFuzzer()
        case .masterView: MasterViewFuzzer()
        }
    }
}

/// Runs one input and reports the first invariant it breaks.
protocol FuzzChecker: AnyObject {
    func check(_ input: UnsafeRawBufferPointer) throws(FuzzViolation)
}

/// An invariant that did not hold for one input.
struct FuzzViolation: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) { self.description = description }
}

/// Splits an input into the chunks a socket might deliver, driven by the input itself so
/// that libFuzzer explores boundaries too: the first byte picks the chunk size (1...256).
struct FuzzChunks {
    let chunkSize: Int
    let payload: UnsafeRawBufferPointer

    init(_ input: UnsafeRawBufferPointer) {
        guard let first = input.first else {
            chunkSize = 1
            payload = input
            return
        }
        chunkSize = Int(first) + 1
        payload = UnsafeRawBufferPointer(rebasing: input[1...])
    }

    var chunks: [[UInt8]] {
        stride(from: 0, to: payload.count, by: chunkSize).map { start in
            Array(payload[start..<min(start + chunkSize, payload.count)])
        }
    }
}
