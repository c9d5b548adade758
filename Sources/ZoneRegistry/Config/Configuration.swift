/// A whole Corefile, parsed and validated: what the daemon serves.
struct Configuration: Sendable, Equatable {
    var servers: [ServerBlockConfig]
}

/// Where a value came from, for error messages and logs (`Corefile:12:9`).
struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    var file: String
    var line: Int
    var column: Int

    var description: String { "\(file):\(line):\(column)" }
}

/// One key of a server block: `[dns://]ZONE[:PORT]`.
struct ServerKey: Sendable, Equatable, Hashable {
    var zone: DomainName
    var port: UInt16
}

/// A local address to listen on: an IP literal from `bind` or an HTTP directive.
enum ListenHost: Sendable, Equatable, Hashable, CustomStringConvertible {
    case v4(IPv4Address)
    case v6(IPv6Address)

    var description: String {
        switch self {
        case .v4(let address): return address.description
        case .v6(let address): return address.description
        }
    }
}

/// An HTTP endpoint address such as `:8080`, `localhost:9153` or `127.0.0.1:8181`.
/// A nil host means every interface (CoreDNS's `:PORT`).
struct HTTPListenAddress: Sendable, Equatable, Hashable {
    var host: ListenHost?
    var port: UInt16
}

/// One `KEY [KEY...] { ... }` block of the Corefile.
struct ServerBlockConfig: Sendable, Equatable {
    var keys: [ServerKey]
    /// `bind ADDR...`; empty means every interface (0.0.0.0 and ::), as CoreDNS.
    var bind: [ListenHost] = []
    var registry: RegistryConfig?
    /// `transfer` directives (SPEC §10), in the order written.
    var transfers: [TransferConfig] = []
    var tsig: TSIGDirective?
    var whoami = false
    var health: HealthDirective?
    var ready: HTTPListenAddress?
    var prometheus: HTTPListenAddress?
    var control: ControlDirective?
    var log = false
    var errors = false
    var debug = false
    var location: SourceLocation
}

/// `health [ADDR] { lameduck DUR }`.
struct HealthDirective: Sendable, Equatable {
    var address = HTTPListenAddress(host: nil, port: 8080)
    /// Milliseconds of lameduck after SIGTERM; 0 means none.
    var lameduckMilliseconds = 0
}
