/// One server block at runtime: its configuration and its registry (nil when the block has
/// no `zoneregistry`). Owned by the loop thread; several listeners may share one block.
final class ServerBlock {
    let config: ServerBlockConfig
    let registry: Registry?
    /// Set when the block has `transfer`: AXFR and IXFR go there instead of NOTIMP.
    var transfers: TransferResponder?
    /// The block's `tsig` keys and requirements, ready for the query path; nil without `tsig`.
    let tsig: BlockTSIG?
    /// The registry's verdict exchange when it has `quorum` (set once the daemon made it):
    /// answers `_zoneregistry.Z` TXT with this master's view.
    var quorum: QuorumExchange?

    init(config: ServerBlockConfig, registry: Registry?) {
        self.config = config
        self.registry = registry
        tsig = config.tsig.map(BlockTSIG.init)
    }
}

/// A block's `tsig` directive in the form a query checks it against.
final class BlockTSIG {
    let keyring: TSIGKeyring
    private let zones: [WireName]
    private let directive: TSIGDirective

    init(_ directive: TSIGDirective) {
        self.directive = directive
        keyring = directive.keyring
        zones = directive.zones.map(WireName.init)
    }

    /// Whether an unsigned query for `qtype` at `name` must be REFUSED (CoreDNS `require`).
    func requiresSignature(qtype: RecordType, name: NameBuffer) -> Bool {
        directive.requiresSignature(qtype: qtype) && zones.contains { name.isAtOrBelow($0) }
    }
}
