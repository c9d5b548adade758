/// `transfer [ZONES...] { to ADDRESS[:PORT]... }` (CoreDNS's `transfer` plugin, SPEC §10): who
/// may transfer which zones, and where NOTIFY goes.
struct TransferConfig: Sendable, Equatable {
    /// The zones written after `transfer`; the server block's zones when none were.
    var zones: [DomainName]
    var targets: [TransferTarget]
    var location: SourceLocation

    /// Whether a transfer request from `address` is allowed (the port is only NOTIFY's).
    func allows(_ address: ListenHost) -> Bool {
        targets.contains { target in
            switch target {
            case .any: return true
            case .address(let host, _): return host == address
            }
        }
    }

    /// Where NOTIFY is sent: every `to` address but `*` (RFC 1996 §3.6 names explicit servers).
    var notifyDestinations: [(host: ListenHost, port: UInt16)] {
        targets.compactMap { target in
            if case .address(let host, let port) = target { return (host, port) }
            return nil
        }
    }
}

/// One `to` argument: `*` (any client, no NOTIFY) or an address with the port NOTIFY goes to.
enum TransferTarget: Sendable, Equatable, Hashable {
    case any
    case address(ListenHost, port: UInt16)
}

/// `soa REFRESH RETRY EXPIRE` of a `zoneregistry` block: the timers a secondary runs by
/// (RFC 1035 §3.3.13), in seconds.
struct SOATimers: Sendable, Equatable {
    /// The values answered before the option existed (RFC 1912 §2.2's suggestions): a
    /// secondary that misses every NOTIFY catches up within 2 h, and keeps serving the last
    /// view for a day when the registry is unreachable.
    static let standard = SOATimers(refresh: 7200, retry: 1800, expire: 86400)

    var refresh: UInt32
    var retry: UInt32
    var expire: UInt32
}
