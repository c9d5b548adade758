import Foundation

/// What the control end-to-end suites share: three live clusters (prod1, prod2 primaries; dev1
/// a secondary labelled `cluster-env=dev`), a fourth peer outside the zone's `select`, a token
/// file and a state file that outlive one daemon, and the registry with its control API (and
/// `/metrics`). Each suite has its own addresses in 127.0.14.0/24 (`Addresses`), so suites
/// running side by side never collide.
final class ControlSession {
    struct Addresses {
        var prod1, prod2, dev1, qa1, dns, control: String

        /// Peers on 127.0.14.(base+1...base+4), DNS and control on 127.0.14.(base/5+1, base/5+2).
        init(base: Int) {
            let net = "127.0.14."
            (prod1, prod2, dev1, qa1) = (net + "\(base + 1)", net + "\(base + 2)", net + "\(base + 3)", net + "\(base + 4)")
            (dns, control) = (net + "\(base / 5 + 1)", net + "\(base / 5 + 2)")
        }
    }

    let at: Addresses
    static let token = "e2e-token-0123456789abcdef"
    static let hosts = ["prod1.example.test.", "prod2.example.test.", "dev1.example.test.", "qa1.example.test."]

    let directory: URL
    let tokenFile: URL
    let stateFile: URL

    init(base: Int) throws {
        at = Addresses(base: base)
        (directory, tokenFile) = try Self.tokenDirectory("zr-control")
        stateFile = directory.appendingPathComponent("overrides.json")
    }

    /// A fresh temporary directory named `PREFIX-UUID` holding `control.token` with `token`.
    static func tokenDirectory(_ prefix: String) throws -> (directory: URL, token: URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let token = directory.appendingPathComponent("control.token")
        try "\(Self.token)\n".write(to: token, atomically: true, encoding: .utf8)
        return (directory, token)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    var corefile: String {
        """
        example.test:PORT {
            bind \(at.dns)
            prometheus \(at.control):PORT
            control \(at.control):PORT {
                token_file \(tokenFile.path)
                state_file \(stateFile.path)
            }
            zoneregistry {
                interval 1
                timeout 500ms
                ttl 1
                mode address
                select tier=gold
                peer prod1.example.test {
                    labels cluster-env=prod tier=gold
                    ipv4 \(at.prod1)
                }
                peer prod2.example.test {
                    labels cluster-env=prod tier=gold
                    ipv4 \(at.prod2)
                }
                peer dev1.example.test {
                    role secondary
                    labels cluster-env=dev tier=gold
                    ipv4 \(at.dev1)
                }
                peer qa1.example.test {
                    labels cluster-env=qa
                    ipv4 \(at.qa1)
                }
            }
        }
        """
    }

    func startPeers() throws -> [PeerProcess] {
        try [at.prod1, at.prod2, at.dev1].map { try PeerProcess(address: $0) }
    }

    /// The daemon once its first probe round has a verdict for every peer.
    func startDaemon() throws -> DaemonProcess {
        let daemon = try DaemonProcess(corefile: corefile)
        _ = eventually(timeout: 4) {
            let log = daemon.stderrText
            return Self.hosts.allSatisfy { log.contains("peer \($0) up") || log.contains("peer \($0) down") }
        }
        return daemon
    }

    func url(_ daemon: DaemonProcess, _ path: String) -> String { "http://\(at.control):\(daemon.port)\(path)" }

    func addresses(_ daemon: DaemonProcess) throws -> Set<String> {
        Set(try Dig.query("app.example.test", "A", port: daemon.port, server: at.dns).answer.map(\.data))
    }

    func serial(_ daemon: DaemonProcess) throws -> UInt64 {
        let soa = try Dig.query("example.test", "SOA", port: daemon.port, server: at.dns).answer.first { $0.type == "SOA" }
        return soa.flatMap { UInt64($0.data.split(separator: " ")[2]) } ?? 0
    }

    /// `curl -X METHOD` with the token (unless `token` is nil) and a JSON body.
    func request(_ daemon: DaemonProcess, _ method: String, _ path: String, body: String? = nil,
                        token: String? = ControlSession.token) throws -> CurlResult {
        var options = ["-X", method]
        if let token { options += ["-H", "Authorization: Bearer \(token)"] }
        if let body { options += ["-H", "Content-Type: application/json", "--data-binary", body] }
        return try Curl.run(url(daemon, path), options: options)
    }

    func status(_ daemon: DaemonProcess) throws -> [String: [String: Any]] {
        let body = try Curl.get(url(daemon, "/status")).body
        let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        let zones = object?["zones"] as? [[String: Any]] ?? []
        let peers = zones.flatMap { $0["peers"] as? [[String: Any]] ?? [] }
        return Dictionary(uniqueKeysWithValues: peers.map { ($0["peer"] as? String ?? "", $0) })
    }

    func state(_ daemon: DaemonProcess, _ host: String) throws -> String? {
        try status(daemon)[host]?["state"] as? String
    }

    /// `zoneregistry ctl ARGS --control URL [--token-file F]`: exit status, stdout, stderr.
    func ctl(_ daemon: DaemonProcess, _ arguments: [String], withToken: Bool = true) throws -> (status: Int32, out: String, err: String) {
        var all = ["ctl"] + arguments + ["--control", "http://\(at.control):\(daemon.port)"]
        if withToken { all += ["--token-file", tokenFile.path] }
        let result = try CommandLineEndToEndTests.run(all)
        return (result.status, result.output, result.errors)
    }
}
