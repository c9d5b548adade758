/// One socket address the daemon listens on for DNS (UDP and TCP alike).
struct ListenerKey: Hashable, Sendable, CustomStringConvertible {
    var host: ListenHost
    var port: UInt16

    var description: String {
        host.isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// The `server` label of the DNS metrics, as CoreDNS writes it so dashboards and alerts
    /// keep matching: `dns://127.0.0.1:53`, `dns://[::1]:53`, and `dns://:53` for the two
    /// wildcards a block without `bind` listens on (they share one set of series).
    var serverLabel: String {
        ListenHost.wildcards.contains(host) ? "dns://:\(port)" : "dns://\(self)"
    }
}

extension Configuration {
    /// The zones each listening address answers, from every block's keys and `bind`
    /// (no `bind` means both wildcards, as CoreDNS listens on every interface).
    static func listenerZones(blocks: [ServerBlock]) -> [ListenerKey: [(zone: DomainName, block: ServerBlock)]] {
        var result: [ListenerKey: [(zone: DomainName, block: ServerBlock)]] = [:]
        for block in blocks {
            let hosts = block.config.bind.isEmpty ? ListenHost.wildcards : block.config.bind
            for key in block.config.keys {
                for host in hosts {
                    result[ListenerKey(host: host, port: key.port), default: []].append((key.zone, block))
                }
            }
        }
        return result
    }
}
