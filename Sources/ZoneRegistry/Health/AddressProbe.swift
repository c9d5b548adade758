/// One probe of one peer address: connect, then for `http` a GET and its status line, for
/// `https` the same inside TLS. Delivers exactly one verdict, then releases its socket.
///
/// Loop-owned. The timeout runs from connect to verdict (SPEC §5); a timeout closes the
/// socket mid-connect or mid-write, and the stream's late `ECANCELED` callbacks are ignored
/// because the verdict is already given.
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
    }

    private let target: Target
    private var stream: TCPStream?
    private let timer: LoopTimer
    private var reader = HTTPStatusReader()
    private var session: TLSClientSession?
    private var requestSent = false
    private var completion: ((ProbeVerdict) -> Void)?

    init(loop: EventLoop, target: Target, completion: @escaping (ProbeVerdict) -> Void) {
        self.target = target
        self.completion = completion
        timer = LoopTimer(loop: loop)
        timer.start(after: UInt64(target.timeoutMilliseconds)) { [weak self] in
            self?.finish(.timeout(milliseconds: target.timeoutMilliseconds))
        }
        do {
            stream = try TCPStream(loop: loop, address: target.address, port: target.port, source: target.source) { [weak self] event in
                self?.handle(event)
            }
        } catch {
            finish(ProbeVerdict(startFailure: error, timeoutMilliseconds: target.timeoutMilliseconds))
        }
    }

    /// A probe dropped before its verdict must not leave its timer or socket armed: libuv
    /// would call back into freed memory.
    deinit {
        cancel()
    }

    /// Abandons the probe without a verdict (reload, shutdown).
    func cancel() {
        completion = nil
        timer.close()
        stream?.abort()
        stream = nil
    }

    private func finish(_ verdict: ProbeVerdict) {
        guard let completion else { return }
        cancel()
        completion(verdict)
    }

    private func handle(_ event: TCPStream.Event) {
        switch event {
        case .connected:
            connected()
        case .received(let bytes):
            received(bytes)
        case .endOfStream:
            finish(reader.endOfStream())
        case .failed(let error):
            finish(ProbeVerdict(uvErrorName: error.name, timeoutMilliseconds: target.timeoutMilliseconds))
        }
    }

    private func connected() {
        switch target.probeProtocol {
        case .tcp:
            finish(.pass)
        case .http:
            stream?.write(target.request)
        case .https:
            guard let context = target.tls else {
                finish(.tls("no TLS context"))
                return
            }
            do {
                let session = try TLSClientSession(context: context, host: target.host.description)
                self.session = session
                stream?.write(session.start())
            } catch {
                finish(.tls(error.message))
            }
        }
    }

    private func received(_ bytes: [UInt8]) {
        var plaintext = bytes
        if let session {
            let step = session.receive(bytes)
            if !step.output.isEmpty { stream?.write(step.output) }
            if let failure = step.failure {
                finish(.tls(failure))
                return
            }
            if step.handshakeComplete && !requestSent {
                requestSent = true
                stream?.write(session.send(target.request))
            }
            plaintext = step.plaintext
        }
        if case .verdict(let verdict) = reader.feed(plaintext) {
            finish(verdict)
        }
    }
}
