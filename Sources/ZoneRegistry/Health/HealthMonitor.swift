import Foundation
import Logging

/// Probes every peer of one registry on its schedule and turns verdicts into health:
/// `HealthState` owns rise/fall, `Registry.setHealth` reorders answers and bumps the serial.
///
/// A timer and an idle handle walk the schedule (`ProbeCursor`) and start at most
/// `startsPerIteration` rounds per loop iteration, so the DNS sockets are polled between
/// every few probes; when the loop is too busy or the probe bound is reached, the schedule
/// lags rather than DNS. `protocol tcp` probes go through one `ConnectProber` (no object or
/// timer per probe); http/https use `AddressProbe`. A peer's addresses are probe tokens
/// `2 * peer + slot`.
///
/// Loop-owned, one per `zoneregistry` directive; replaced on reload (peers whose host is
/// unchanged keep their `HealthState`), stopped on shutdown.
final class HealthMonitor {
    /// Rounds started per loop iteration at most. libuv reads about 32 datagrams per socket
    /// per iteration; 4 probes cost about as much loop time as those 32 queries, so under a
    /// DNS flood probing gets at most about half the loop. Idle, the loop runs these slices
    /// back to back: 10,000 peers a second need ~3 iterations per millisecond.
    static let startsPerIteration = 4

    let registry: Registry
    private let loop: EventLoop
    private let limiter: ProbeLimiter
    private let metrics: ProbeMetrics
    private let logger: Logger
    private let zoneLabel: String
    private let debug: Bool
    private let timeoutMilliseconds: Int
    private var states: [HealthState]
    /// Last verdicts and changes, for `/status`.
    private(set) var records: [ProbeRecord]
    private let ids: [Int]
    private let targets: [[AddressProbe.Target]]
    private let durationSlots: [Int]
    private var rounds: [RoundTally]
    private var roundStarted: [UInt64]
    /// Per peer: rounds finished since start, and the loop time of the last verdict, for the
    /// view this master publishes to its fellows (SPEC §9 `round=N age=S`).
    private(set) var finishedRounds: [Int]
    private(set) var lastVerdictAt: [UInt64]
    private var addressProbes: [AddressProbe?]
    /// Probes past their verdict whose socket is still closing politely (`AddressProbe`).
    private var closingProbes: [ObjectIdentifier: AddressProbe] = [:]
    /// Per peer: sockets still closing. The peer keeps its limiter slot until they are gone,
    /// so the bound on probes in flight is also a bound on probe sockets.
    private var closingCount: [Int]
    private var connectProber: ConnectProber?
    private var cursor: ProbeCursor
    private let ticker: LoopTimer
    /// Runs the next slice of due starts after the loop has polled its sockets once.
    private var pacer: LoopIdle?
    private var origin: UInt64 = 0

    /// Fails when a peer's TLS settings cannot be loaded (`tls_ca` unreadable): a
    /// configuration error, reported before anything is replaced.
    init(loop: EventLoop, registry: Registry, previous: HealthMonitor?, limiter: ProbeLimiter,
         metrics: ProbeMetrics, logger: Logger) throws(TLSSetupError) {
        self.loop = loop
        self.registry = registry
        self.limiter = limiter
        self.metrics = metrics
        self.logger = logger
        let config = registry.config
        zoneLabel = config.zones.first?.description ?? "."
        var kept: [DomainName: HealthState] = [:]
        var keptRecords: [DomainName: ProbeRecord] = [:]
        if let previous {
            for (index, peer) in previous.registry.config.peers.enumerated() {
                kept[peer.host] = previous.states[index]
                keptRecords[peer.host] = previous.records[index]
            }
        }
        records = config.peers.map { keptRecords[$0.host] ?? ProbeRecord() }
        states = config.peers.map { peer in
            let state = kept[peer.host]
            // A changed rise/fall starts counting afresh but keeps the verdict already reached.
            guard let state else { return HealthState(rise: config.rise, fall: config.fall) }
            if state.rise == config.rise, state.fall == config.fall { return state }
            return HealthState(rise: config.rise, fall: config.fall, health: state.health)
        }
        ids = config.peers.map { _ in limiter.makeID() }
        targets = try AddressProbe.Target.all(for: config)
        debug = config.debug
        timeoutMilliseconds = config.timeoutMilliseconds
        durationSlots = metrics.durationSlots(zone: zoneLabel, peers: config.peers.map { $0.host.description })
        rounds = Array(repeating: RoundTally(), count: config.peers.count)
        roundStarted = Array(repeating: 0, count: config.peers.count)
        finishedRounds = Array(repeating: 0, count: config.peers.count)
        lastVerdictAt = Array(repeating: 0, count: config.peers.count)
        addressProbes = Array(repeating: nil, count: 2 * config.peers.count)
        closingCount = Array(repeating: 0, count: config.peers.count)
        cursor = ProbeCursor(schedule: ProbeSchedule(peerCount: config.peers.count, intervalMilliseconds: config.intervalMilliseconds,
                                                     spreadMilliseconds: 1_000))
        ticker = LoopTimer(loop: loop)
        if config.peers.contains(where: { $0.probeProtocol == .tcp }) {
            connectProber = ConnectProber(loop: loop, tokenCount: 2 * config.peers.count,
                                          timeoutMilliseconds: config.timeoutMilliseconds) { [unowned self] token, result in
                self.addressFinished(token: token, verdict: self.verdict(result))
            }
        }
        for (index, state) in states.enumerated() where state.health != .unknown {
            registry.setHealth(state.health, ofPeerAt: index)
        }
    }

    /// True once every peer has a verdict from its first round: `/ready` waits for this.
    var firstRoundDone: Bool { states.allSatisfy { $0.health != .unknown } }

    func health(ofPeerAt index: Int) -> PeerHealth { states[index].health }

    /// Rise/fall progress of one peer, for `/status`.
    func state(ofPeerAt index: Int) -> HealthState { states[index] }

    /// Starts the rounds: the first is spread over at most one second from now so a fresh
    /// daemon knows its peers quickly; later rounds repeat every `interval` from there,
    /// spread as the first one was (never all peers at once).
    func start() {
        // The loop's clock is cached per iteration; loading many peers may have taken a while,
        // and a stale origin would make the first rounds look overdue.
        loop.updateTime()
        origin = loop.nowMilliseconds
        ticker.setAction { [unowned self] in self.tick() }
        pacer = LoopIdle(loop: loop) { [unowned self] in self.tick() }
        if let first = cursor.nextStartTime { ticker.rearm(after: UInt64(first)) }
    }

    /// Cancels every probe and the schedule; nothing of this monitor runs afterwards.
    func stop() {
        ticker.close()
        pacer?.close()
        connectProber?.stop()
        for token in addressProbes.indices {
            addressProbes[token]?.cancel()
            addressProbes[token] = nil
        }
        let closing = closingProbes.values
        closingProbes = [:]
        for probe in closing {
            probe.onClosed = nil
            probe.cancel()
        }
        for peer in rounds.indices where rounds[peer].isOpen || closingCount[peer] > 0 {
            rounds[peer].abandon()
            closingCount[peer] = 0
            limiter.finished(ids[peer])
        }
    }

    private func tick() {
        let now = Int(loop.nowMilliseconds - origin)
        var boundReached = false
        cursor.startDue(at: now, limit: Self.startsPerIteration) { peer in
            guard let admitted = limiter.startIfFree(ids[peer]) else {
                boundReached = true
                return nil
            }
            if admitted { startRound(peer) }
            return admitted
        }
        guard let next = cursor.nextStartTime else { return }
        if next <= now && !boundReached {
            pacer?.start()
        } else {
            pacer?.stop()
            // At the bound, finishing probes free slots within the next millisecond or so.
            ticker.rearm(after: UInt64(max(1, next - now)))
        }
    }

    private func startRound(_ peer: Int) {
        let addresses = targets[peer]
        roundStarted[peer] = loop.nowMilliseconds
        guard !addresses.isEmpty else {
            limiter.finished(ids[peer])
            record(.other("no address to probe"), peer: peer)
            return
        }
        rounds[peer].begin(addresses: addresses.count)
        for slot in addresses.indices {
            let token = 2 * peer + slot
            let target = addresses[slot]
            if target.probeProtocol == .tcp, let connectProber {
                if let error = connectProber.start(token: token, address: target.address, port: target.port, source: target.source) {
                    addressFinished(token: token, verdict: ProbeVerdict(startFailure: error, timeoutMilliseconds: timeoutMilliseconds))
                }
            } else {
                let probe = AddressProbe(loop: loop, target: target) { [unowned self] verdict in
                    self.addressFinished(token: token, verdict: verdict)
                }
                // A probe that failed at once has reported already; keep only one still running.
                if rounds[peer].isOpen { addressProbes[token] = probe }
            }
            if !rounds[peer].isOpen { break }
        }
    }

    private func addressFinished(token: Int, verdict: ProbeVerdict) {
        let peer = token >> 1
        keepWhileClosing(token)
        guard let roundVerdict = rounds[peer].record(verdict, slot: token & 1) else { return }
        // Decided (a pass, or every address failed): the other address must not stay in flight.
        for slot in targets[peer].indices where slot != token & 1 {
            connectProber?.cancel(token: 2 * peer + slot)
            addressProbes[2 * peer + slot]?.abandon()
            keepWhileClosing(2 * peer + slot)
        }
        if closingCount[peer] == 0 { limiter.finished(ids[peer]) }
        record(roundVerdict, peer: peer)
    }

    /// Takes `token`'s probe off the in-flight list, holding it until its socket has closed
    /// when it is still closing politely.
    private func keepWhileClosing(_ token: Int) {
        defer { addressProbes[token] = nil }
        guard let probe = addressProbes[token], probe.isClosing else { return }
        let id = ObjectIdentifier(probe)
        let peer = token >> 1
        closingProbes[id] = probe
        closingCount[peer] += 1
        probe.onClosed = { [unowned self] in
            self.closingProbes[id] = nil
            self.closingCount[peer] -= 1
            if self.closingCount[peer] == 0, !self.rounds[peer].isOpen { self.limiter.finished(self.ids[peer]) }
        }
    }

    private func verdict(_ result: ConnectProber.Result) -> ProbeVerdict {
        switch result {
        case .connected: .pass
        case .failed(let error): ProbeVerdict(uvErrorName: error.name, timeoutMilliseconds: timeoutMilliseconds)
        case .timedOut: .timeout(milliseconds: timeoutMilliseconds)
        }
    }

    private func record(_ verdict: ProbeVerdict, peer index: Int) {
        finishedRounds[index] += 1
        lastVerdictAt[index] = loop.nowMilliseconds
        let milliseconds = Int(loop.nowMilliseconds - roundStarted[index])
        metrics.observeProbe(slot: durationSlots[index], seconds: Double(milliseconds) / 1000)
        let now = Date()
        records[index].observe(verdict, milliseconds: milliseconds, at: now)
        if debug { logger.debug("peer \(registry.config.peers[index].host) probe: \(verdict)") }
        guard let transition = states[index].record(verdict) else { return }
        records[index].changed(to: transition.to, cause: transition.cause, at: now)
        let peer = registry.config.peers[index]
        registry.setHealth(transition.to, ofPeerAt: index)
        metrics.countTransition(zone: zoneLabel, peer: peer.host.description, to: transition.to)
        if transition.changesHealthySet {
            logger.info("\(transition.logLine(peer: peer.host))")
        } else {
            logger.info("peer \(peer.host) up")
        }
    }
}
