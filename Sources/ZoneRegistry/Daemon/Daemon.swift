import Foundation
import Logging

/// Wires a `Configuration` onto the loop: server blocks, registries and their health
/// monitors, DNS listeners, HTTP endpoints, signals.
///
/// Loop-owned; created and driven on the thread that runs the loop. Applying a
/// configuration (startup or SIGHUP) first opens whatever new sockets it needs; only when
/// all of them opened does it switch the kept listeners to the new answers and close the
/// rest, so a bad reload changes nothing and a kept socket is never reopened.
final class Daemon {
    let loop: EventLoop
    let configPath: String?
    let defaultPort: UInt16
    let logger: Logger
    private(set) var configuration: Configuration
    private(set) var blocks: [ServerBlock] = []
    private(set) var monitors: [HealthMonitor] = []
    /// One verdict exchange per registry with `quorum` (SPEC §9).
    private(set) var exchanges: [QuorumExchange] = []
    var udpListeners: [ListenerKey: UDPListener] = [:]
    var tcpListeners: [ListenerKey: TCPListener] = [:]
    var httpServers: [HTTPListenAddress: HTTPServer] = [:]
    /// The `control` API and the operator's overrides (Daemon+Control.swift); nil without
    /// `control` and `quorum`.
    var control: OperatorControl?
    private var signals: [SignalWatcher] = []
    private var lameduckTimer: LoopTimer?
    /// Counters survive reloads: dashboards must not see a reset when the Corefile changes.
    let metrics = DNSMetrics()
    let probeMetrics = ProbeMetrics()
    let peerGauges = PeerGauges()
    let limiter = ProbeLimiter()
    /// Zone transfers and NOTIFY (SPEC §10); journals survive reloads.
    private(set) lazy var transfers = TransferService(loop: loop)
    /// The previous /metrics body's size: the next is reserved at about that, sparing the
    /// buffer's doublings (and their copies) while the loop renders.
    var lastMetricsSize = 0
    /// Set from SIGTERM until exit: `/ready` answers 503 while DNS keeps answering.
    private(set) var inLameduck = false
    private var stopping = false

    init(loop: EventLoop, configuration: Configuration, configPath: String?, defaultPort: UInt16, logger: Logger) {
        self.loop = loop
        self.configuration = configuration
        self.configPath = configPath
        self.defaultPort = defaultPort
        self.logger = logger
    }

    /// Why a configuration could not be applied; the running one (if any) is untouched.
    struct ApplyError: Error, CustomStringConvertible {
        var description: String
    }

    /// Opens every listener and starts probing; on failure nothing is left open.
    func start() throws(ApplyError) {
        try apply(configuration)
        do {
            signals = [
                try SignalWatcher(loop: loop, signal: SIGINT) { [unowned self] in self.stop() },
                try SignalWatcher(loop: loop, signal: SIGTERM) { [unowned self] in self.stop() },
                try SignalWatcher(loop: loop, signal: SIGHUP) { [unowned self] in self.reload() },
            ]
        } catch {
            throw ApplyError(description: error.description)
        }
    }

    /// Every address the daemon answers DNS on, for the startup banner.
    var listenerDescriptions: [String] {
        udpListeners.keys.map(\.description).sorted()
    }

    private func apply(_ next: Configuration) throws(ApplyError) {
        let nextControl = prepareControl(for: next)
        do {
            try apply(next, control: nextControl)
        } catch {
            if nextControl !== control { nextControl?.stop() }
            throw error
        }
        commit(nextControl, next)
    }

    private func apply(_ next: Configuration, control nextControl: OperatorControl?) throws(ApplyError) {
        let nextBlocks = Daemon.makeBlocks(next, previous: blocks)
        var nextMonitors: [HealthMonitor] = []
        for registry in nextBlocks.compactMap(\.registry) {
            let previous = monitors.first { $0.registry.config.zones.first == registry.config.zones.first }
            do {
                nextMonitors.append(try HealthMonitor(loop: loop, registry: registry, previous: previous, limiter: limiter,
                                                      metrics: probeMetrics, logger: Daemon.registryLogger(debug: registry.config.debug)))
            } catch {
                throw ApplyError(description: error.message)
            }
        }
        let nextExchanges = makeExchanges(blocks: nextBlocks, monitors: nextMonitors, control: nextControl)
        let endpoints: PendingEndpoints
        do {
            endpoints = try prepareEndpoints(for: next, control: nextControl)
        } catch {
            throw ApplyError(description: error.description)
        }
        let listeners: PendingListeners
        do {
            listeners = try prepareListeners(for: nextBlocks)
        } catch {
            endpoints.abandon()
            throw ApplyError(description: error.description)
        }
        commit(listeners)
        commit(endpoints)
        transfers.attach(nextBlocks)
        monitors.forEach { $0.stop() }
        monitors = nextMonitors
        monitors.forEach { $0.start() }
        exchanges.forEach { $0.stop() }
        exchanges = nextExchanges
        exchanges.forEach { $0.start() }
        blocks = nextBlocks
        configuration = next
    }

    /// The registry's logger, in CoreDNS's shape (`[INFO] plugin/zoneregistry: peer ... down`),
    /// with debug lines only where `debug` asks for them. Made on every apply, so a reload that
    /// adds or removes `debug` takes effect like any other change.
    static func registryLogger(debug: Bool) -> Logger {
        var logger = Logger(label: "plugin/zoneregistry")
        logger.logLevel = debug ? .debug : .info
        return logger
    }

    static func makeBlocks(_ configuration: Configuration, previous: [ServerBlock]) -> [ServerBlock] {
        let seconds = UInt32(truncatingIfNeeded: Int(Date().timeIntervalSince1970))
        return configuration.servers.map { server in
            let registry = server.registry.map { declared in
                // CoreDNS's server-level `debug` turns on every plugin's debug output in its
                // block (the seed puts it there): the registry's probe verdicts included.
                var config = declared
                config.debug = declared.debug || server.debug
                return Registry(config: config, serial: seconds, previous: Daemon.previousRegistry(for: config, in: previous))
            }
            return ServerBlock(config: server, registry: registry)
        }
    }

    /// The registry a reloaded directive continues: the old one serving the same first zone.
    private static func previousRegistry(for config: RegistryConfig, in previous: [ServerBlock]) -> Registry? {
        previous.lazy.compactMap(\.registry).first { $0.config.zones.first == config.zones.first }
    }

    /// SIGHUP: re-read the Corefile; on any error keep serving the running configuration.
    func reload() {
        guard !stopping else { return }
        guard let configPath else {
            logger.warning("reload: running the built-in configuration, no Corefile to re-read")
            return
        }
        do {
            let next = try CorefileParser.load(path: configPath, defaultPort: defaultPort, environment: ProcessInfo.processInfo.environment)
            try apply(next)
            logger.info("plugin/reload: reloaded \(configPath)")
        } catch {
            // One line per event (SPEC §7), so a log pipeline keeps each error whole.
            for line in "\(error)".split(separator: "\n") {
                logger.error("plugin/reload: \(line)")
            }
            logger.error("plugin/reload: reload of \(configPath) failed, the running configuration keeps serving")
        }
    }

    /// SIGTERM/SIGINT: with `lameduck` configured keep answering (with `/ready` at 503) for
    /// that long; then close every handle so the loop ends and the process exits 0.
    /// A second signal during lameduck (an operator's repeated Ctrl-C) cuts it short, as
    /// CoreDNS's second SIGINT force-quits.
    func stop() {
        guard !stopping else { return }
        if inLameduck {
            logger.info("plugin/health: second signal, leaving lameduck mode now")
            shutdown()
            return
        }
        let lameduck = configuration.servers.compactMap { $0.health?.lameduckMilliseconds }.max() ?? 0
        guard lameduck > 0 else {
            shutdown()
            return
        }
        inLameduck = true
        logger.info("plugin/health: Going into lameduck mode for \(GoDuration.format(milliseconds: lameduck))")
        let timer = LoopTimer(loop: loop)
        timer.start(after: UInt64(lameduck)) { [unowned self] in self.shutdown() }
        lameduckTimer = timer
    }

    private func shutdown() {
        guard !stopping else { return }
        stopping = true
        logger.info("shutting down")
        lameduckTimer?.close()
        control?.stop()
        monitors.forEach { $0.stop() }
        exchanges.forEach { $0.stop() }
        transfers.stop()
        udpListeners.values.forEach { $0.close() }
        tcpListeners.values.forEach { $0.close() }
        httpServers.values.forEach { $0.close() }
        udpListeners.removeAll()
        tcpListeners.removeAll()
        httpServers.removeAll()
        signals.forEach { $0.close() }
        signals.removeAll()
    }
}
