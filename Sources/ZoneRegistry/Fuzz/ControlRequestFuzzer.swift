import Foundation
import Logging

/// Bytes from a control API client through `HTTPRequestReader` and the control routes of a
/// real `OperatorControl` over a fixed registry (no state file, nothing logged). Whatever the
/// bytes: the answer is one of the documented statuses with a reason, a change happens only
/// with the right token and a valid body, and the registry's answers always agree with the
/// override set.
final class ControlRequestFuzzer: FuzzChecker {
    static let token = "fuzz-token-0123456789abcdef"
    private let loop: EventLoop?
    private let registry: Registry
    private let control: OperatorControl?
    private let routes: [String: HTTPServer.Route]
    private static let statuses: Set<Int> = [200, 400, 401, 404, 405]

    init() {
        registry = Registry(config: ControlRequestFuzzer.config, serial: 1, previous: nil)
        loop = try? EventLoop()
        if let loop {
            let directive = ControlDirective(address: HTTPListenAddress(host: nil, port: 1), token: ControlToken(Array(Self.token.utf8)),
                                             tokenFile: "fuzz", stateFile: nil,
                                             location: SourceLocation(file: "fuzz", line: 1, column: 1))
            let registry = self.registry
            let control = OperatorControl(loop: loop, directive: directive,
                                          logger: Logger(label: "fuzz") { _ in SwiftLogNoOpLogHandler() },
                                          registries: { [registry] }, monitors: { [] })
            self.control = control
            routes = control.routes
        } else {
            control = nil
            routes = [:]
        }
    }

    /// The expiry timer's handle is freed in its close callback, and the loop can close only
    /// once no handle is left: run it until the close is done (the corpus replay test drops
    /// a checker per target; under LeakSanitizer an undrained loop reads as a leak).
    deinit {
        control?.stop()
        loop?.run()
    }

    func check(_ input: UnsafeRawBufferPointer) throws(FuzzViolation) {
        guard let control else { throw FuzzViolation("no event loop") }
        var reader = HTTPRequestReader(limit: 2048, bodyLimit: 1024)
        guard case .request(var request) = reader.feed(Array(input)) else { return }
        request.client = "192.0.2.9:1"
        let before = control.overrides
        let response = HTTPServer.response(request, routes: routes)
        guard Self.statuses.contains(response.status) else {
            throw FuzzViolation("status \(response.status) for \(request.method) \(request.path)")
        }
        if response.status != 200, response.contentType == "application/json" {
            let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
            guard let reason = object?["error"] as? String, !reason.isEmpty else {
                throw FuzzViolation("\(response.status) without a reason")
            }
        }
        let changed = control.overrides != before
        if changed {
            // RFC 9110 §11.1: the scheme is case-insensitive; the token is not.
            let parts = request.header("authorization")?.split(separator: " ", maxSplits: 1) ?? []
            let authorized = parts.count == 2 && parts[0].lowercased() == "bearer" && parts[1] == Self.token
            guard authorized, response.status == 200, request.method == "PUT" || request.method == "DELETE" else {
                throw FuzzViolation("overrides changed by \(request.method) \(request.path) answered \(response.status)")
            }
        }
        for (index, peer) in registry.config.peers.enumerated()
        where registry.override(ofPeerAt: index) != control.overrides[peer.host.description]?.state {
            throw FuzzViolation("registry and override set disagree on \(peer.host)")
        }
    }

    private static var config: RegistryConfig {
        let location = SourceLocation(file: "fuzz", line: 1, column: 1)
        func peer(_ host: String, _ role: PeerRole, _ env: String, _ address: UInt32) -> PeerConfig {
            // The names are fixed and valid.
            PeerConfig(host: (try? DomainName(parsing: host)) ?? .root, role: role,
                       labels: [PeerConfig.Label(key: "cluster-env", value: env)], ipv4: IPv4Address(value: address),
                       location: location)
        }
        return RegistryConfig(zones: [(try? DomainName(parsing: "f.test")) ?? .root], mode: .address, peers: [
            peer("prod1.f.test", .primary, "prod", 0xc000_0201),
            peer("prod2.f.test", .primary, "prod", 0xc000_0202),
            peer("dev1.f.test", .secondary, "dev", 0xc000_0203),
        ], location: location)
    }
}
