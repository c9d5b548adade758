import Foundation
import Logging

/// The operator's overrides (SPEC §11) on the loop: holds the `OverrideSet`, pushes it into
/// every registry (`Registry.setOverride`, which bumps the serial when answers change), runs
/// their expiry on a loop timer, and persists them in the state file after every change.
///
/// Loop-owned, one per daemon (one `control` directive per Corefile); it outlives reloads, so
/// overrides are kept whatever the new Corefile says about them, and are applied to each new
/// set of registries.
final class OperatorControl {
    private(set) var directive: ControlDirective
    private(set) var overrides = OverrideSet()
    let logger: Logger
    /// The registries serving now; the daemon's, read when needed (they change on reload).
    let registries: () -> [Registry]
    let monitors: () -> [HealthMonitor]
    /// The masters' exchanges, for the votes `/status` and `/explain` show.
    let exchanges: () -> [QuorumExchange]
    private let expiry: LoopTimer

    init(loop: EventLoop, directive: ControlDirective, logger: Logger,
         registries: @escaping () -> [Registry], monitors: @escaping () -> [HealthMonitor],
         exchanges: @escaping () -> [QuorumExchange] = { [] }) {
        self.directive = directive
        self.logger = logger
        self.registries = registries
        self.monitors = monitors
        self.exchanges = exchanges
        expiry = LoopTimer(loop: loop)
        if let path = directive.stateFile { overrides = load(path) }
        logger.info("control API on \(directive.address.description), \(overrides.peers.count) override(s) in force")
    }

    /// A reload: the new token and state file path take effect; the overrides stay.
    func update(_ next: ControlDirective) {
        let movedFile = next.stateFile != directive.stateFile
        directive = next
        if movedFile { persist() }
    }

    func stop() { expiry.close() }

    /// Pushes the set into `registries` (the serving ones, or a reload's new ones) and re-arms
    /// the expiry timer. Peers no override names go back to `auto`.
    func apply(to registries: [Registry]? = nil) {
        let now = Date()
        for (host, override) in overrides.removeExpired(at: now) {
            logger.info("override \(override.state.rawValue) of \(host) expired (set by \(override.setBy): \(reasonText(override.reason)))")
        }
        for registry in registries ?? self.registries() {
            for (index, peer) in registry.config.peers.enumerated() {
                registry.setOverride(overrides[peer.host.description]?.state, ofPeerAt: index)
            }
        }
        if let next = overrides.nextExpiry {
            // One millisecond past the expiry, so the timer never fires just before it.
            let delay = max(0, next.timeIntervalSince(now)) * 1000 + 1
            expiry.start(after: UInt64(delay)) { [unowned self] in
                self.apply()
                self.persist()
            }
        } else {
            expiry.stop()
        }
    }

    /// Sets (or with a nil state removes) the override of `hosts`, persists, applies; nothing
    /// changes when the state file cannot be written.
    func change(_ request: OverrideRequest, hosts: [String], client: String) throws(AtomicFile.WriteError) -> [String] {
        let before = overrides
        let now = Date()
        for host in hosts {
            if let state = request.state {
                let expires = request.milliseconds.map { now.addingTimeInterval(Double($0) / 1000) }
                overrides.set(Override(state: state, reason: request.reason, setAt: now, expiresAt: expires, setBy: client), for: host)
            } else {
                overrides.remove(host)
            }
        }
        if let path = directive.stateFile {
            do {
                try StateFile.save(overrides, to: path)
            } catch {
                overrides = before
                logger.error("\(client) override of \(hosts.joined(separator: ", ")) not made: state file: \(error)")
                throw error
            }
        }
        let what = request.state.map { state in
            state.rawValue + (request.milliseconds.map { " for \(GoDuration.format(milliseconds: $0))" } ?? "")
        } ?? "auto"
        for host in hosts {
            logger.info("\(client) set \(host) to \(what); reason: \(reasonText(request.reason))")
        }
        apply()
        return hosts
    }

    private func reasonText(_ reason: String) -> String { reason.isEmpty ? "no reason given" : reason }

    private func persist() {
        guard let path = directive.stateFile else { return }
        do {
            try StateFile.save(overrides, to: path)
        } catch {
            logger.error("cannot write state file: \(error)")
        }
    }

    private func load(_ path: String) -> OverrideSet {
        switch StateFile.load(path) {
        case .loaded(let set):
            logger.info("loaded \(set.peers.count) override(s) from \(path)")
            return set
        case .missing:
            logger.info("state file \(path) does not exist yet; starting with no overrides")
        case .unreadable(let reason):
            logger.error("cannot read state file \(path): \(reason); starting with no overrides")
        case .corrupt(let reason, let kept):
            let where_ = kept.map { "kept as \($0)" } ?? "could not be renamed aside"
            logger.error("state file \(path) is corrupt (\(reason)), \(where_); starting with no overrides")
        }
        return OverrideSet()
    }
}

extension HTTPListenAddress: CustomStringConvertible {
    var description: String {
        switch host {
        case nil: ":\(port)"
        case .v4(let address)?: "\(address):\(port)"
        case .v6(let address)?: "[\(address)]:\(port)"
        }
    }
}
