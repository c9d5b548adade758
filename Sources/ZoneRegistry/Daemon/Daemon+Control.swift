import Logging

/// The `control` directive's life across reloads: one `OperatorControl` kept while the
/// Corefile has the directive, so overrides survive SIGHUP; made when it first appears.
extension Daemon {
    /// The control object the next configuration will use: the running one, or a new one
    /// (which loads the state file) when `control` appears.
    func prepareControl(for next: Configuration) -> OperatorControl? {
        guard let directive = next.servers.lazy.compactMap(\.control).first else { return nil }
        if let control { return control }
        return OperatorControl(loop: loop, directive: directive, logger: Logger(label: "plugin/control"),
                               registries: { [unowned self] in self.blocks.compactMap(\.registry) },
                               monitors: { [unowned self] in self.monitors },
                               exchanges: { [unowned self] in self.exchanges })
    }

    /// After a configuration was applied: switch to its control object and push the overrides
    /// into the new registries before any query reaches them.
    func commit(_ next: OperatorControl?, _ configuration: Configuration) {
        if control !== next { control?.stop() }
        control = next
        if let directive = configuration.servers.lazy.compactMap(\.control).first { next?.update(directive) }
        next?.apply()
    }
}
