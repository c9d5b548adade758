import CLibUV

/// Connect-only TCP probes (`protocol tcp`) for one health monitor, built for thousands a
/// second on the loop that also answers DNS: one allocation per probe (handle, connect
/// request and bookkeeping together), no Swift object per probe, and one timer for every
/// probe's timeout — all probes share one timeout, so deadlines expire in start order and a
/// FIFO replaces a timer per probe.
///
/// Loop-owned. The caller names each probe by a token in `0..<tokenCount`; a token has at
/// most one probe at a time. `report` receives exactly one result per probe that was started
/// and not cancelled. A probe holds a retain on the prober until libuv's close callback, so
/// the memory libuv still uses never outlives its owner.
final class ConnectProber {
    enum Result {
        case connected
        case failed(LoopError)
        case timedOut
    }

    private struct Deadline {
        var token: Int
        var serial: UInt64
        var at: UInt64
    }

    private let loop: EventLoop
    private let timeoutMilliseconds: UInt64
    private var report: ((Int, Result) -> Void)?
    private var probes: [UnsafeMutablePointer<ConnectSlot>?]
    private var deadlines: [Deadline] = []
    private var deadlineHead = 0
    private var nextSerial: UInt64 = 0
    private let timer: LoopTimer

    init(loop: EventLoop, tokenCount: Int, timeoutMilliseconds: Int, report: @escaping (Int, Result) -> Void) {
        self.loop = loop
        self.timeoutMilliseconds = UInt64(max(1, timeoutMilliseconds))
        self.report = report
        probes = Array(repeating: nil, count: tokenCount)
        timer = LoopTimer(loop: loop)
        timer.setAction { [unowned self] in self.expire() }
    }

    deinit { stop() }

    var inFlightCount: Int { probes.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }

    /// Starts connecting; returns the error when the socket cannot even be opened or the
    /// connect is refused synchronously (no result is reported for it then).
    /// `source`: the local address to connect from (`probe_source`), bound before connect.
    func start(token: Int, address: ListenHost, port: UInt16, source: ListenHost? = nil) -> LoopError? {
        precondition(probes[token] == nil, "a token has one probe at a time")
        nextSerial += 1
        let slot = UnsafeMutablePointer<ConnectSlot>.allocate(capacity: 1)
        slot.initialize(to: ConnectSlot(token: token, serial: nextSerial, owner: .passRetained(self)))
        let tcp = slot.pointer(to: \.tcp)!
        var initialised = false
        do {
            try LocalAddress.openTCP(tcp, loop: loop, source: source, initialised: &initialised)
        } catch {
            if initialised {
                tcp.pointee.data = UnsafeMutableRawPointer(slot)
                close(slot, reset: false)
            } else {
                slot.pointee.owner.release()
                slot.deinitialize(count: 1)
                slot.deallocate()
            }
            return error
        }
        tcp.pointee.data = UnsafeMutableRawPointer(slot)
        let request = slot.pointer(to: \.request)!
        request.pointee.data = UnsafeMutableRawPointer(slot)
        var address = SocketAddress.storage(host: address, port: port)
        let connectRC = withUnsafePointer(to: &address) { uv_tcp_connect(request, tcp, zr_sockaddr($0), probeConnected) }
        if connectRC < 0 {
            close(slot, reset: false)
            return LoopError(operation: "connect", code: connectRC)
        }
        probes[token] = slot
        deadlines.append(Deadline(token: token, serial: nextSerial, at: loop.nowMilliseconds + timeoutMilliseconds))
        if deadlines.count - deadlineHead == 1 { timer.rearm(after: timeoutMilliseconds) }
        return nil
    }

    /// Abandons `token`'s probe, if any, without a result.
    func cancel(token: Int) {
        guard let slot = probes[token] else { return }
        probes[token] = nil
        close(slot, reset: false)
    }

    /// Cancels every probe and the timer; nothing is reported afterwards.
    func stop() {
        report = nil
        for token in probes.indices { cancel(token: token) }
        timer.close()
    }

    fileprivate func connected(_ slot: UnsafeMutablePointer<ConnectSlot>, status: Int32) {
        let token = slot.pointee.token
        // A cancelled or timed-out probe is closed already; libuv still calls back (ECANCELED).
        guard probes[token] == slot else { return }
        probes[token] = nil
        close(slot, reset: status == 0)
        report?(token, status == 0 ? .connected : .failed(LoopError(operation: "connect", code: status)))
    }

    private func expire() {
        let now = loop.nowMilliseconds
        while deadlineHead < deadlines.count, deadlines[deadlineHead].at <= now {
            let deadline = deadlines[deadlineHead]
            deadlineHead += 1
            guard let slot = probes[deadline.token], slot.pointee.serial == deadline.serial else { continue }
            probes[deadline.token] = nil
            close(slot, reset: false)
            report?(deadline.token, .timedOut)
        }
        // Drop the consumed prefix once it dominates, so the FIFO stays bounded.
        if deadlineHead * 2 >= deadlines.count {
            deadlines.removeFirst(deadlineHead)
            deadlineHead = 0
        }
        if deadlineHead < deadlines.count {
            timer.rearm(after: deadlines[deadlineHead].at - now)
        }
    }

    /// `reset`: close with RST (SO_LINGER 0) instead of FIN. The side that closes first keeps a
    /// TIME_WAIT socket for a minute; probing thousands of peers a second would pin tens of
    /// thousands of local ports (HAProxy closes its checks the same way).
    private func close(_ slot: UnsafeMutablePointer<ConnectSlot>, reset: Bool) {
        let handle = zr_tcp_handle(slot.pointer(to: \.tcp)!)
        if reset {
            var fd: uv_os_fd_t = -1
            if uv_fileno(handle, &fd) == 0 {
                var option = linger(l_onoff: 1, l_linger: 0)
                _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
            }
        }
        uv_close(handle, probeClosed)
    }
}

/// One probe's memory: libuv's handle and request and what the callbacks need to find the
/// prober. Both `data` fields point at the slot itself.
private struct ConnectSlot {
    var tcp = uv_tcp_t()
    var request = uv_connect_t()
    var token: Int
    var serial: UInt64
    var owner: Unmanaged<ConnectProber>

    init(token: Int, serial: UInt64, owner: Unmanaged<ConnectProber>) {
        self.token = token
        self.serial = serial
        self.owner = owner
    }
}

private func probeConnected(_ request: UnsafeMutablePointer<uv_connect_t>?, _ status: Int32) {
    guard let data = request?.pointee.data else { return }
    let slot = data.assumingMemoryBound(to: ConnectSlot.self)
    slot.pointee.owner._withUnsafeGuaranteedRef { $0.connected(slot, status: status) }
}

private func probeClosed(_ handle: UnsafeMutablePointer<uv_handle_t>?) {
    guard let data = handle?.pointee.data else { return }
    let slot = data.assumingMemoryBound(to: ConnectSlot.self)
    let owner = slot.pointee.owner
    slot.deinitialize(count: 1)
    slot.deallocate()
    owner.release()
}
