import Logging

/// The verdict exchange among a zone's masters (SPEC §9): once per `interval` this master
/// asks each fellow `ns` entry for `_zoneregistry.Z` TXT, signed with the quorum key, from
/// `probe_source` (else its own `ns` address); fresh answers become the registry's votes
/// (`Registry.setVotes`) and their serials are adopted when ahead (`Registry.adoptSerial`).
/// It also renders this master's own view for its fellows (`ownView`).
///
/// A fellow whose last good answer is older than 3 intervals is stale and does not vote. A
/// fellow that answers late, unsigned, badly signed, garbage, too large or with a wrong serial
/// simply gives no fresh view: each query is bounded by `DNSQueryClient`'s timeout and size,
/// and nothing here blocks the loop.
///
/// Loop-owned, one per `zoneregistry` with `quorum`; replaced on reload, stopped on shutdown.
final class QuorumExchange {
    /// An answer older than this many intervals is stale (SPEC §9).
    static let staleIntervals: UInt64 = 3
    /// A fellow's serial further ahead than this (RFC 1982 distance) is wrong, not adopted:
    /// a broken or hostile fellow must not drag every master's serial years ahead.
    static let maxSerialLead: UInt32 = 1 << 28
    /// The view's strings (each with its length byte) must leave room in one 64 KiB message
    /// for the header, the question, the TXT records' own overhead and the TSIG record.
    static let viewBytes = 63_000

    struct Fellow {
        var name: DomainName
        var address: ListenHost
        var source: ListenHost?
        var view: MasterView?
        var receivedAt: UInt64?
        /// nil until the first verdict on it (fresh answer, or 3 intervals without one).
        var fresh: Bool?
        var lastProblem = "not asked yet"
        var inFlight: DNSQueryClient?
    }

    let registry: Registry
    let key: TSIGKey
    /// `_zoneregistry.Z` for each registry zone, indexed like `registry.zones`.
    let reservedNames: [WireName]
    private(set) var fellows: [Fellow]
    private let loop: EventLoop
    private weak var monitor: HealthMonitor?
    /// The daemon's overrides, published in this master's view and merged from the fellows'.
    private weak var control: OperatorControl?
    private let peerHosts: Set<String>
    private let logger: Logger
    private let port: UInt16
    private let zoneLabel: String
    private let interval: UInt64
    private let timer: LoopTimer
    private let startedAt: UInt64
    private var alone: Bool?
    private var overridesLeftOut = 0
    private let peerIndex: [DomainName: Int]

    init(loop: EventLoop, registry: Registry, monitor: HealthMonitor, control: OperatorControl?, port: UInt16,
         logger: Logger, previous: QuorumExchange?) {
        let config = registry.config
        let quorum = config.quorum ?? QuorumConfig(keyName: .root, location: config.location)
        self.loop = loop
        self.registry = registry
        self.monitor = monitor
        self.control = control
        peerHosts = Set(config.peers.map(\.host.description))
        self.logger = logger
        self.port = port
        key = quorum.key ?? TSIGKey(name: quorum.keyName, algorithm: nil, secret: [])
        reservedNames = config.zones.map { zone in
            WireName((try? zone.prepending(label: "_zoneregistry")) ?? zone)
        }
        zoneLabel = config.zones.first?.description ?? "."
        interval = UInt64(config.intervalMilliseconds)
        timer = LoopTimer(loop: loop)
        loop.updateTime()
        startedAt = loop.nowMilliseconds
        var index: [DomainName: Int] = [:]
        for (position, peer) in config.peers.enumerated() { index[peer.host] = position }
        peerIndex = index
        let own = config.nameServers[quorum.selfIndex]
        fellows = config.nameServers.enumerated().compactMap { position, server in
            guard position != quorum.selfIndex,
                  let address = server.ipv4.first.map(ListenHost.v4) ?? server.ipv6.first.map(ListenHost.v6) else { return nil }
            let source = config.probeDefaults.source?.address(toward: address)
                ?? (address.isIPv6 ? own.ipv6.first.map(ListenHost.v6) : own.ipv4.first.map(ListenHost.v4))
            var fellow = Fellow(name: server.name, address: address, source: source)
            // A reload keeps what the fellows last said, so answers do not flip meanwhile.
            if let kept = previous?.fellows.first(where: { $0.name == server.name && $0.address == address }) {
                fellow.view = kept.view
                fellow.receivedAt = kept.receivedAt
                fellow.fresh = kept.fresh
            }
            return fellow
        }
        alone = previous?.alone
    }

    func start() {
        applyVotes()
        timer.start(after: 0, repeatEvery: interval) { [unowned self] in self.tick() }
    }

    func stop() {
        timer.close()
        for index in fellows.indices {
            fellows[index].inFlight?.cancel()
            fellows[index].inFlight = nil
        }
    }

    /// Masters whose view counts now: this one and every fresh fellow.
    var freshMasters: Int { 1 + fellows.filter { $0.fresh == true }.count }
    var staleMasters: Int { fellows.count + 1 - freshMasters }

    private func tick() {
        let now = loop.nowMilliseconds
        for index in fellows.indices { updateFreshness(index, now: now) }
        applyVotes()
        for index in fellows.indices where fellows[index].inFlight == nil { ask(index) }
    }

    private func ask(_ index: Int) {
        var query = QuorumQuery.make(name: reservedNames[0], id: UInt16.random(in: 0...UInt16.max))
        guard let mac = TSIGSigner.sign(&query, key: key, mode: .request, time: QueryResponder.wallClock()) else {
            fellows[index].lastProblem = "cannot sign the query"
            return
        }
        let fellow = fellows[index]
        let timeout = max(10, min(registry.config.timeoutMilliseconds, Int(interval)))
        fellows[index].inFlight = DNSQueryClient.send(
            query, loop: loop, to: fellow.address, port: port,
            options: .init(source: fellow.source, timeoutMilliseconds: timeout)
        ) { [weak self] result in
            self?.answered(index, result, requestMAC: mac)
        }
    }

    private func answered(_ index: Int, _ result: DNSQueryClient.Result, requestMAC: [UInt8]) {
        fellows[index].inFlight = nil
        switch QuorumQuery.view(from: result, key: key, requestMAC: requestMAC, name: reservedNames[0]) {
        case .failure(let problem):
            fellows[index].lastProblem = problem.description
            logger.debug("fellow master \(fellows[index].name) answered no view: \(problem)")
        case .success(let view):
            if let serial = view.serial, SerialNumber.distance(serial, ahead: registry.serial) > Self.maxSerialLead {
                fellows[index].lastProblem = "serial \(serial) is implausibly far ahead of \(registry.serial)"
                logger.debug("fellow master \(fellows[index].name): \(fellows[index].lastProblem)")
                return
            }
            fellows[index].view = view
            fellows[index].receivedAt = loop.nowMilliseconds
            updateFreshness(index, now: loop.nowMilliseconds)
            applyVotes()
            if let serial = view.serial { registry.adoptSerial(serial) }
            control?.adopt(view, from: fellows[index].name, hosts: peerHosts)
        }
    }

    /// Fresh: a good answer within 3 intervals. Logs each change, and quorum lost/regained.
    private func updateFreshness(_ index: Int, now: UInt64) {
        let window = Self.staleIntervals * interval
        let fresh = fellows[index].receivedAt.map { now - $0 <= window } ?? false
        // Until a fellow had 3 intervals to answer, its silence is not news.
        guard fresh || now - startedAt > window else { return }
        guard fellows[index].fresh != fresh else { return }
        fellows[index].fresh = fresh
        if fresh {
            logger.info("fellow master \(fellows[index].name) fresh")
        } else {
            fellows[index].view = nil
            logger.warning("fellow master \(fellows[index].name) stale: no view for \(Self.staleIntervals) intervals (last: \(fellows[index].lastProblem))")
        }
        updateAlone()
    }

    private func updateAlone() {
        guard fellows.allSatisfy({ $0.fresh != nil }) || fellows.contains(where: { $0.fresh == true }) else { return }
        let nowAlone = !fellows.contains { $0.fresh == true }
        guard nowAlone != alone else { return }
        let wasKnown = alone != nil
        alone = nowAlone
        if nowAlone {
            logger.warning("quorum lost for \(zoneLabel): every fellow master is stale, answering from this master's own view")
        } else if wasKnown {
            logger.info("quorum regained for \(zoneLabel): \(freshMasters) of \(fellows.count + 1) masters fresh")
        }
    }

    /// The fresh fellows' verdicts, counted per peer, into the registry.
    private func applyVotes() {
        var votes = PeerVotes(peerCount: registry.config.peers.count)
        var any = false
        for fellow in fellows where fellow.fresh == true {
            guard let view = fellow.view else { continue }
            any = true
            for verdict in view.verdicts {
                guard let index = peerIndex[verdict.host] else { continue }
                votes.seen[index] += 1
                if verdict.up { votes.up[index] += 1 }
            }
        }
        registry.setVotes(any ? votes : nil)
    }

    /// Per peer: how many fresh views (this master's own included) see it up, and down.
    func voteCounts(ofPeerAt index: Int) -> (up: Int, down: Int) {
        let own = registry.healths[index].countsAsHealthy
        let votes = registry.votes
        let seen = votes.map { $0.seen.indices.contains(index) ? $0.seen[index] : 0 } ?? 0
        let up = (votes.map { $0.up.indices.contains(index) ? $0.up[index] : 0 } ?? 0) + (own ? 1 : 0)
        return (up, seen + 1 - up)
    }

    /// What this master publishes: its serial, its own probes' verdicts (never the combined
    /// ones, so one master's view cannot echo back through another's) and the overrides and
    /// tombstones it holds for the registry's peers (the latest set wins, so echoes are harmless).
    func ownView() -> MasterView {
        var entries: [MasterView.Entry] = [.serial(registry.serial)]
        let now = loop.nowMilliseconds
        for (index, peer) in registry.config.peers.enumerated() where registry.healths[index] != .unknown {
            let rounds = monitor?.finishedRounds[index] ?? 0
            let at = monitor?.lastVerdictAt[index] ?? now
            entries.append(.peer(.init(host: peer.host, up: registry.healths[index] == .up, round: rounds,
                                       age: Int((now &- at) / 1000))))
        }
        let used = MasterView(entries: entries).render().reduce(0) { $0 + $1.count + 1 }
        if let control {
            let published = control.published(for: registry, room: Self.viewBytes - used)
            entries += published.entries.map(MasterView.Entry.override)
            if published.leftOut != overridesLeftOut {
                overridesLeftOut = published.leftOut
                if published.leftOut > 0 {
                    logger.warning("\(published.leftOut) override(s) of \(zoneLabel) left out of this master's view: it would pass one message; fellow masters do not get them")
                }
            }
        }
        return MasterView(entries: entries)
    }
}
