import Foundation
import Logging

/// Wires a `Configuration` onto the loop: server blocks, registries, DNS listeners, signals.
///
/// Loop-owned; created and driven on the thread that runs the loop. A reload builds new
/// blocks and responders and swaps them into the listeners that stay, so no socket that
/// keeps its address is ever reopened.
final class Daemon {
    let loop: EventLoop
    let configPath: String?
    let defaultPort: UInt16
    let logger: Logger
    private(set) var configuration: Configuration
    private(set) var blocks: [ServerBlock] = []
    private var udpListeners: [ListenerKey: UDPListener] = [:]
    private var tcpListeners: [ListenerKey: TCPListener] = [:]
    private var signals: [SignalWatcher] = []
    /// Counters survive reloads: dashboards must not see a reset when the Corefile changes.
    let metrics = DNSMetrics()
    private var stopping = false

    init(loop: EventLoop, configuration: Configuration, configPath: String?, defaultPort: UInt16, logger: Logger) {
        self.loop = loop
        self.configuration = configuration
        self.configPath = configPath
        self.defaultPort = defaultPort
        self.logger = logger
    }

    /// Opens every listener; on any failure closes what was opened and throws.
    func start() throws(LoopError) {
        blocks = Daemon.makeBlocks(configuration, previous: [])
        try openListeners(for: blocks)
        signals = [
            try SignalWatcher(loop: loop, signal: SIGINT) { [unowned self] in self.stop() },
            try SignalWatcher(loop: loop, signal: SIGTERM) { [unowned self] in self.stop() },
            try SignalWatcher(loop: loop, signal: SIGHUP) { [unowned self] in self.reload() },
        ]
    }

    /// Every address the daemon answers DNS on, for the startup banner and tests.
    var listenerDescriptions: [String] {
        udpListeners.keys.map(\.description).sorted()
    }

    static func makeBlocks(_ configuration: Configuration, previous: [ServerBlock]) -> [ServerBlock] {
        let seconds = UInt32(truncatingIfNeeded: Int(Date().timeIntervalSince1970))
        return configuration.servers.map { server in
            let registry = server.registry.map { config in
                Registry(config: config, serial: seconds, previous: Daemon.previousRegistry(for: config, in: previous))
            }
            return ServerBlock(config: server, registry: registry)
        }
    }

    /// The registry a reloaded directive continues: the old one serving the same first zone.
    private static func previousRegistry(for config: RegistryConfig, in previous: [ServerBlock]) -> Registry? {
        previous.lazy.compactMap(\.registry).first { $0.config.zones.first == config.zones.first }
    }

    /// Opens the sockets the configuration adds first; only when all of them opened are the
    /// kept listeners switched to the new answers and the dropped ones closed, so a failed
    /// reload leaves everything as it was.
    private func openListeners(for blocks: [ServerBlock]) throws(LoopError) {
        let wanted = configuration.listenerZones(blocks: blocks)
        var plans: [(key: ListenerKey, responder: QueryResponder, observer: QueryObserver)] = []
        for (key, zones) in wanted.sorted(by: { $0.key.description < $1.key.description }) {
            plans.append((key, QueryResponder(zones: zones),
                          QueryObserver(metrics: metrics, server: "dns://\(key)", zones: zones, logger: logger)))
        }
        var openedUDP: [ListenerKey: UDPListener] = [:]
        var openedTCP: [ListenerKey: TCPListener] = [:]
        do {
            for plan in plans where udpListeners[plan.key] == nil {
                openedUDP[plan.key] = try UDPListener(loop: loop, host: plan.key.host, port: plan.key.port, responder: plan.responder)
                openedTCP[plan.key] = try TCPListener(loop: loop, host: plan.key.host, port: plan.key.port, responder: plan.responder)
            }
        } catch {
            openedUDP.values.forEach { $0.close() }
            openedTCP.values.forEach { $0.close() }
            throw error
        }
        for (key, listener) in udpListeners where wanted[key] == nil {
            listener.close()
            udpListeners[key] = nil
        }
        for (key, listener) in tcpListeners where wanted[key] == nil {
            listener.close()
            tcpListeners[key] = nil
        }
        udpListeners.merge(openedUDP) { $1 }
        tcpListeners.merge(openedTCP) { $1 }
        for plan in plans {
            udpListeners[plan.key]?.responder = plan.responder
            udpListeners[plan.key]?.observer = plan.observer
            tcpListeners[plan.key]?.responder = plan.responder
            tcpListeners[plan.key]?.observer = plan.observer
        }
    }

    /// SIGHUP: re-read the Corefile; on any error keep serving the running configuration.
    func reload() {
        guard let configPath, !stopping else {
            logger.warning("reload: no Corefile to re-read; keeping the running configuration")
            return
        }
        let next: Configuration
        do {
            next = try CorefileParser.load(path: configPath, defaultPort: defaultPort, environment: ProcessInfo.processInfo.environment)
        } catch {
            logger.error("reload failed, keeping the running configuration:\n\(error)")
            return
        }
        let previousConfiguration = configuration
        let nextBlocks = Daemon.makeBlocks(next, previous: blocks)
        configuration = next
        do {
            try openListeners(for: nextBlocks)
        } catch {
            configuration = previousConfiguration
            logger.error("reload failed, keeping the running configuration: \(error)")
            return
        }
        blocks = nextBlocks
        logger.info("reloaded \(configPath)")
    }

    /// SIGTERM/SIGINT: close every handle so the loop ends and the process exits 0.
    func stop() {
        guard !stopping else { return }
        stopping = true
        logger.info("shutting down")
        udpListeners.values.forEach { $0.close() }
        tcpListeners.values.forEach { $0.close() }
        udpListeners.removeAll()
        tcpListeners.removeAll()
        signals.forEach { $0.close() }
        signals.removeAll()
    }
}
