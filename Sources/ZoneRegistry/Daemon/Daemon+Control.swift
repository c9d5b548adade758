import Logging

/// The `control` directive's life across reloads: one `OperatorControl` kept while the
/// Corefile has the directive or a `quorum`, so overrides survive SIGHUP; made when either
/// first appears. With `quorum` and no `control` it has no API and no state file, but still
/// takes and publishes the fellow masters' overrides: a drain must reach every master.
extension Daemon {
    /// The control object the next configuration will use: the running one, or a new one
    /// (which loads the state file) when `control` or `quorum` appears.
    func prepareControl(for next: Configuration) -> OperatorControl? {
        let directive = next.servers.lazy.compactMap(\.control).first
        guard directive != nil || next.servers.contains(where: { $0.registry?.quorum != nil }) else { return nil }
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
        next?.update(configuration.servers.lazy.compactMap(\.control).first)
        next?.apply()
    }
}
