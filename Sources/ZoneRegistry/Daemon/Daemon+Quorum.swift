/// The quorum exchanges of a configuration (SPEC §9), one per registry with `quorum`.
extension Daemon {
    /// Made with the monitors, before anything is committed; they start with the monitors.
    /// A block's masters listen on its key's port (`ns` entries carry no port), so the fellows
    /// are asked there.
    func makeExchanges(blocks: [ServerBlock], monitors: [HealthMonitor], control: OperatorControl?) -> [QuorumExchange] {
        var made: [QuorumExchange] = []
        for block in blocks {
            guard let registry = block.registry, registry.config.quorum != nil,
                  let monitor = monitors.first(where: { $0.registry === registry }) else { continue }
            let previous = exchanges.first { $0.registry.config.zones.first == registry.config.zones.first }
            let exchange = QuorumExchange(loop: loop, registry: registry, monitor: monitor, control: control,
                                          port: block.config.keys.first?.port ?? defaultPort,
                                          logger: Daemon.registryLogger(debug: registry.config.debug), previous: previous)
            block.quorum = exchange
            made.append(exchange)
        }
        return made
    }
}
