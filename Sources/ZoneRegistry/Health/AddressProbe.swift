/// One probe of one peer address: connect, then for `http` a GET and its response, for
/// `https` the same inside TLS. Delivers exactly one verdict; then, for a connection still
/// open, closes it the way a polite client does (SPEC §12).
///
/// Loop-owned. The timeout runs from connect to verdict (SPEC §5); a timeout closes the
/// socket mid-connect or mid-write, and the stream's late `ECANCELED` callbacks are ignored
/// because the verdict is already given.
///
/// **Closing.** After the verdict the probe keeps reading, discarding, until the peer closes:
/// it asked for `Connection: close`, so the peer closes first (RFC 9112 §9.6) and its FIN is
/// answered with ours. The registry's side then never sits in TIME_WAIT, and the peer never
/// sees a reset. Over TLS, close_notify goes first. Only a peer that sends more than
/// `HTTPStatusReader.bodyLimit` bytes after the verdict, or has not closed when the probe's
/// timeout ends, is reset. `onClosed` runs once the socket is gone; the owner keeps the
/// probe until then.
final class AddressProbe {
    struct Target {
        var address: ListenHost
        var port: UInt16
        /// The local address to send from (`probe_source`); nil: the kernel's choice.
        var source: ListenHost?
        var probeProtocol: ProbeProtocol
        /// The request for http/https; empty for tcp.
        var request: [UInt8]
        var host: DomainName
        var tls: TLSClientContext?
        var timeoutMilliseconds: Int
        var expectation = HTTPStatusReader.Expectation()
    }

    private let target: Target
    private var stream: TCPStream?
    private let timer: LoopTimer
    private var reader: HTTPStatusReader
    private var session: TLSClientSession?
    private var requestSent = false
    private var completion: ((ProbeVerdict) -> Void)?
    /// Bytes read since the verdict, while waiting for the peer to close.
    private var drained = 0
    var onClosed: (() -> Void)?

    init(loop: EventLoop, target: Target, completion: @escaping (ProbeVerdict) -> Void) {
        self.target = target
        self.completion = completion
        reader = HTTPStatusReader(expectation: target.expectation)
        timer = LoopTimer(loop: loop)
        timer.start(after: UInt64(target.timeoutMilliseconds)) { [weak self] in
            self?.timedOut()
        }
        do {
            stream = try TCPStream(loop: loop, address: target.address, port: target.port, source: target.source) { [weak self] event in
                self?.handle(event)
            }
        } catch {
            finish(ProbeVerdict(startFailure: error, timeoutMilliseconds: target.timeoutMilliseconds), then: .close)
        }
    }

    /// A probe dropped before its verdict must not leave its timer or socket armed: libuv
    /// would call back into freed memory.
    deinit {
        cancel()
    }

    /// True while the verdict is given and the socket is still being closed politely.
    var isClosing: Bool { completion == nil && stream != nil }

    /// Abandons the probe without a verdict and resets its connection (reload, shutdown).
    func cancel() {
        completion = nil
        end(.reset)
    }

    /// Abandons the probe without a verdict (its round was decided by the other address), but
    /// lets a peer that already has the request finish its answer and close first.
    func abandon() {
        guard completion != nil else { return }
        completion = nil
        end(requestSent ? .polite : .reset)
    }

    private enum Ending {
        /// Keep reading until the peer closes, then close (FIN after the peer's FIN).
        case polite
        /// The peer has closed or failed: close the socket now.
        case close
        /// SO_LINGER 0: a peer that would not stop, or a connect that never completed.
        case reset
    }

    private func finish(_ verdict: ProbeVerdict, then ending: Ending) {
        guard let completion else { return }
        self.completion = nil
        end(ending)
        completion(verdict)
    }

    private func end(_ ending: Ending) {
        guard stream != nil else { return closed() }
        switch ending {
        case .polite:
            if let session, case let notify = session.close(), !notify.isEmpty { stream?.write(notify) }
            return
        case .close:
            stream?.close()
        case .reset:
            stream?.abort()
        }
        stream = nil
        closed()
    }

    private func closed() {
        timer.close()
        let onClosed = self.onClosed
        self.onClosed = nil
        onClosed?()
    }

    private func timedOut() {
        if completion != nil {
            finish(.timeout(milliseconds: target.timeoutMilliseconds), then: .reset)
        } else {
            end(.reset)
        }
    }

    private func handle(_ event: TCPStream.Event) {
        guard completion != nil else { return drain(event) }
        switch event {
        case .connected:
            connected()
        case .received(let bytes):
            received(bytes)
        case .endOfStream:
            finish(reader.endOfStream(), then: .close)
        case .failed(let error):
            finish(ProbeVerdict(uvErrorName: error.name, timeoutMilliseconds: target.timeoutMilliseconds), then: .close)
        }
    }

    /// After the verdict: wait for the peer's close, discarding what it still sends.
    private func drain(_ event: TCPStream.Event) {
        switch event {
        case .connected:
            // Abandoned while connecting: nothing was asked, so there is nothing to wait for.
            end(.close)
        case .received(let bytes):
            drained += bytes.count
            if drained > HTTPStatusReader.bodyLimit { end(.reset) }
        case .endOfStream, .failed:
            end(.close)
        }
    }

    /// Whether the peer gave an HTTP answer (any status, any body) and so is owed a polite
    /// close; bytes that are not HTTP, or a head or chunk past its bound, are a peer that
    /// would keep sending: it is reset.
    private static func answered(_ verdict: ProbeVerdict) -> Bool {
        switch verdict {
        case .garbage, .oversized, .headersTooLong, .badChunkedBody: false
        default: true
        }
    }

    private func connected() {
        switch target.probeProtocol {
        case .tcp:
            finish(.pass, then: .reset)
        case .http:
            requestSent = true
            stream?.write(target.request)
        case .https:
            guard let context = target.tls else {
                finish(.tls("no TLS context"), then: .reset)
                return
            }
            do {
                let session = try TLSClientSession(context: context, host: target.host.description)
                self.session = session
                stream?.write(session.start())
            } catch {
                finish(.tls(error.message), then: .reset)
            }
        }
    }

    private func received(_ bytes: [UInt8]) {
        var plaintext = bytes
        var sessionClosed = false
        if let session {
            let step = session.receive(bytes)
            if !step.output.isEmpty { stream?.write(step.output) }
            if let failure = step.failure {
                // An alert went out with `step.output`; the peer closes after it.
                finish(.tls(failure), then: .polite)
                return
            }
            if step.handshakeComplete && !requestSent {
                requestSent = true
                stream?.write(session.send(target.request))
            }
            plaintext = step.plaintext
            sessionClosed = step.closed
        }
        if case .verdict(let verdict) = reader.feed(plaintext) {
            finish(verdict, then: Self.answered(verdict) ? .polite : .reset)
        } else if sessionClosed {
            // close_notify ends the response as a TCP close would (RFC 8446 §6.1).
            finish(reader.endOfStream(), then: .polite)
        }
    }
}
