/// One server block at runtime: its configuration and its registry (nil when the block has
/// no `zoneregistry`). Owned by the loop thread; several listeners may share one block.
final class ServerBlock {
    let config: ServerBlockConfig
    let registry: Registry?
    /// Set when the block has `transfer`: AXFR and IXFR go there instead of NOTIMP.
    var transfers: TransferResponder?

    init(config: ServerBlockConfig, registry: Registry?) {
        self.config = config
        self.registry = registry
    }
}
