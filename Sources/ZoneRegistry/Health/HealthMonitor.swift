import Logging

/// Probes every peer of one registry on its schedule and turns verdicts into health:
/// `HealthState` owns rise/fall, `Registry.setHealth` reorders answers and bumps the serial.
///
/// Loop-owned, one per `zoneregistry` directive; replaced on reload (peers whose host is
/// unchanged keep their `HealthState`), stopped on shutdown.
final class HealthMonitor {
    let registry: Registry
    private let loop: EventLoop
    private let limiter: ProbeLimiter
    private let metrics: ProbeMetrics
    private let logger: Logger
    private let zoneLabel: String
    private var states: [HealthState]
    private let ids: [Int]
    private var timers: [LoopTimer] = []
    private var running: [Int: PeerProbe] = [:]
    private let targets: [[AddressProbe.Target]]

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
        if let previous {
            for (index, peer) in previous.registry.config.peers.enumerated() { kept[peer.host] = previous.states[index] }
        }
        states = config.peers.map { peer in
            let state = kept[peer.host]
            // A changed rise/fall starts counting afresh but keeps the verdict already reached.
            if let state, state.rise == config.rise, state.fall == config.fall { return state }
            return HealthState(rise: config.rise, fall: config.fall)
        }
        ids = config.peers.map { _ in limiter.makeID() }
        var contexts: [String: TLSClientContext] = [:]
        var targets: [[AddressProbe.Target]] = []
        for peer in config.peers {
            var context: TLSClientContext?
            if peer.probeProtocol == .https {
                let key = "\(peer.tlsInsecure) \(peer.tlsCAFile ?? "")"
                if let cached = contexts[key] {
                    context = cached
                } else {
                    do {
                        context = try TLSClientContext(insecure: peer.tlsInsecure, caFile: peer.tlsCAFile)
                    } catch {
                        throw TLSSetupError(message: "\(peer.location): peer \(peer.host): \(error.message)")
                    }
                    contexts[key] = context
                }
            }
            let request = peer.probeProtocol == .tcp ? [] : HTTPProbeRequest.bytes(path: peer.path, host: peer.host, version: ZoneRegistryCommand.version)
            let addresses = [peer.ipv4.map { ListenHost.v4($0) }, peer.ipv6.map { ListenHost.v6($0) }].compactMap { $0 }
            targets.append(addresses.map {
                AddressProbe.Target(address: $0, port: peer.port, probeProtocol: peer.probeProtocol, request: request,
                                    host: peer.host, tls: context, timeoutMilliseconds: config.timeoutMilliseconds)
            })
        }
        self.targets = targets
        for (index, state) in states.enumerated() where state.health != .unknown {
            registry.setHealth(state.health, ofPeerAt: index)
        }
    }

    /// True once every peer has a verdict from its first round: `/ready` waits for this.
    var firstRoundDone: Bool { states.allSatisfy { $0.health != .unknown } }

    func health(ofPeerAt index: Int) -> PeerHealth { states[index].health }

    /// Starts the rounds: the first is spread over at most one second from now so a fresh
    /// daemon knows its peers quickly; later rounds repeat every `interval` from there,
    /// spread over the interval as the first one was (never all peers at once).
    func start() {
        let config = registry.config
        let interval = config.intervalMilliseconds
        let firstSpread = ProbeSchedule(peerCount: config.peers.count, intervalMilliseconds: min(interval, 1_000))
        for index in config.peers.indices {
            let timer = LoopTimer(loop: loop)
            timer.start(after: UInt64(firstSpread.startOffset(ofPeer: index)), repeatEvery: UInt64(interval)) { [unowned self] in
                self.probe(peer: index)
            }
            timers.append(timer)
        }
    }

    /// Cancels every probe and timer; nothing of this monitor runs afterwards.
    func stop() {
        timers.forEach { $0.close() }
        timers.removeAll()
        // Leave the limiter's queue first: finishing a running probe below admits the next
        // waiting peer, and that must never be one of ours — its probe would start on this
        // stopped monitor and be dropped with its socket and timer still open (a reload under
        // load crashed on that timer; MisbehavingPeerTests).
        for (index, id) in ids.enumerated() where running[index] == nil { limiter.finished(id) }
        let probes = running
        running.removeAll()
        for (index, probe) in probes {
            probe.cancel()
            limiter.finished(ids[index])
        }
    }

    private func probe(peer index: Int) {
        limiter.request(ids[index]) { [unowned self] in
            let started = loop.nowMilliseconds
            running[index] = PeerProbe(loop: loop, targets: targets[index]) { [unowned self] verdict in
                running[index] = nil
                limiter.finished(ids[index])
                record(verdict, peer: index, seconds: Double(loop.nowMilliseconds - started) / 1000)
            }
        }
    }

    private func record(_ verdict: ProbeVerdict, peer index: Int, seconds: Double) {
        let peer = registry.config.peers[index]
        metrics.observeProbe(zone: zoneLabel, peer: peer.host.description, seconds: seconds)
        if registry.config.debug { logger.debug("peer \(peer.host) probe: \(verdict)") }
        guard let transition = states[index].record(verdict) else { return }
        registry.setHealth(transition.to, ofPeerAt: index)
        metrics.countTransition(zone: zoneLabel, peer: peer.host.description, to: transition.to)
        if transition.changesHealthySet {
            logger.info("\(transition.logLine(peer: peer.host))")
        } else {
            logger.info("peer \(peer.host) up")
        }
    }
}

/// One round for one peer: every address probed at once; the round passes when any passes.
final class PeerProbe {
    private var probes: [AddressProbe] = []
    private var verdicts: [ProbeVerdict?]
    private var completion: ((ProbeVerdict) -> Void)?

    init(loop: EventLoop, targets: [AddressProbe.Target], completion: @escaping (ProbeVerdict) -> Void) {
        verdicts = Array(repeating: nil, count: targets.count)
        self.completion = completion
        for (slot, target) in targets.enumerated() {
            probes.append(AddressProbe(loop: loop, target: target) { [weak self] verdict in
                self?.record(verdict, slot: slot)
            })
        }
    }

    func cancel() {
        completion = nil
        probes.forEach { $0.cancel() }
    }

    private func record(_ verdict: ProbeVerdict, slot: Int) {
        verdicts[slot] = verdict
        // Either address passing decides the round at once; a failure waits for the other.
        if verdict.passed || verdicts.allSatisfy({ $0 != nil }), let completion {
            self.completion = nil
            probes.forEach { $0.cancel() }
            completion(verdict.passed ? .pass : .anyPasses(verdicts.compactMap { $0 }))
        }
    }
}
