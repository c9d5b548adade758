import Foundation

/// A standard secondary from the Debian packages (NSD, Knot, BIND) transferring one zone from
/// the registry on loopback, as an operator's fleet would (SPEC §10). It asks the registry
/// for the zone at startup, takes NOTIFY from the registry's address, and transfers from its
/// own address so the registry's `transfer { to ... }` can name it. TSIG when `key` is set.
/// Killed with its children when dropped.
final class SecondaryProcess {
    enum Kind: String { case nsd, knot, bind }

    /// The key the tests share with the registry's `tsig` block.
    struct Key {
        let name: String
        let secret: String
    }

    let kind: Kind
    let address: String
    let port: UInt16
    let directory: URL
    private let process = Process()
    private let log: URL

    /// BIND answers on 127.0.0.1 port 5313 (the address it may use here); the others on
    /// `address` and a free port.
    init(_ kind: Kind, address: String, port: UInt16 = 0, zone: String, primary: String, primaryPort: UInt16, key: Key?) throws {
        self.kind = kind
        self.address = kind == .bind ? "127.0.0.1" : address
        self.port = kind == .bind ? 5313 : port
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("zr-\(kind)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        log = directory.appendingPathComponent("stderr.log")
        let configuration = directory.appendingPathComponent("\(kind).conf")
        try SecondaryConfiguration(kind: kind, address: self.address, port: self.port, directory: directory.path, zone: zone,
                                   primary: primary, primaryPort: primaryPort, key: key).text
            .write(to: configuration, atomically: true, encoding: .utf8)
        switch kind {
        case .nsd:
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/nsd")
            process.arguments = ["-d", "-c", configuration.path]
        case .knot:
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/knotd")
            process.arguments = ["-c", configuration.path]
        case .bind:
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/named")
            process.arguments = ["-g", "-c", configuration.path]
        }
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        process.currentDirectoryURL = directory
        try process.run()
        try? handle.close()
    }

    /// `dig @ADDRESS -p PORT NAME TYPE +norec`: what a resolver asking this secondary gets.
    func query(_ name: String, _ type: String = "A") throws -> DigAnswer {
        try Dig.query(name, type, port: port, server: address)
    }

    /// The A records it answers for `name`, as a set (it rotates them its own way).
    func addresses(_ name: String) -> Set<String> {
        Set(((try? query(name))?.answer ?? []).filter { $0.type == "A" }.map(\.data))
    }

    var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// NSD forks its server and transfer processes: every descendant goes too, so that none
    /// keeps the port for the next test.
    func stop() {
        guard process.isRunning else { return }
        let pids = SecondaryProcess.descendants(of: process.processIdentifier)
        kill(process.processIdentifier, SIGKILL)
        for pid in pids { kill(pid, SIGKILL) }
        process.waitUntilExit()
    }

    private static func descendants(of root: Int32) -> [Int32] {
        var parents: [Int32: [Int32]] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry),
                  let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let parent = Int32(fields[1]) { parents[parent, default: []].append(pid) }
        }
        var found: [Int32] = []
        var queue = [root]
        while let next = queue.popLast() {
            for child in parents[next] ?? [] {
                found.append(child)
                queue.append(child)
            }
        }
        return found
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// The configuration each secondary runs with: the one README's "Serving from secondaries"
/// shows, with this test's addresses.
struct SecondaryConfiguration {
    let kind: SecondaryProcess.Kind
    let address: String
    let port: UInt16
    let directory: String
    let zone: String
    let primary: String
    let primaryPort: UInt16
    let key: SecondaryProcess.Key?

    var text: String {
        switch kind {
        case .nsd: return nsd
        case .knot: return knot
        case .bind: return bind
        }
    }

    private var nsd: String {
        let keyName = key?.name ?? "NOKEY"
        return """
        server:
            ip-address: \(address)@\(port)
            username: ""
            chroot: ""
            zonesdir: "\(directory)"
            database: ""
            pidfile: "\(directory)/nsd.pid"
            xfrdfile: "\(directory)/xfrd.state"
            zonelistfile: "\(directory)/zone.list"
            xfrdir: "\(directory)"
            verbosity: 2
            server-count: 1
            rrl-ratelimit: 0
        remote-control:
            control-enable: no
        \(key.map { "key:\n    name: \($0.name)\n    algorithm: hmac-sha256\n    secret: \"\($0.secret)\"" } ?? "")
        zone:
            name: \(zone)
            zonefile: "\(zone).zone"
            request-xfr: \(primary)@\(primaryPort) \(keyName)
            allow-notify: \(primary) \(keyName)
            outgoing-interface: \(address)
        """
    }

    private var knot: String {
        """
        server:
            listen: \(address)@\(port)
            rundir: "\(directory)"
        \(key.map { "key:\n  - id: \($0.name)\n    algorithm: hmac-sha256\n    secret: \($0.secret)" } ?? "")
        remote:
          - id: registry
            address: \(primary)@\(primaryPort)
            via: \(address)
        \(key.map { "    key: \($0.name)" } ?? "")
        acl:
          - id: notify
            address: \(primary)
            action: notify
        \(key.map { "    key: \($0.name)" } ?? "")
        template:
          - id: default
            storage: "\(directory)"
        zone:
          - domain: \(zone)
            master: registry
            acl: notify
        log:
          - target: stderr
            any: info
        """
    }

    private var bind: String {
        let keyClause = key.map { " key \"\($0.name)\"" } ?? ""
        return """
        \(key.map { "key \"\($0.name)\" { algorithm hmac-sha256; secret \"\($0.secret)\"; };" } ?? "")
        controls { };
        options {
            directory "\(directory)";
            pid-file "\(directory)/named.pid";
            listen-on port \(port) { \(address); };
            listen-on-v6 { none; };
            recursion no;
            dnssec-validation no;
            notify no;
            transfer-source \(address);
        };
        zone "\(zone)" {
            type secondary;
            file "\(zone).db";
            primaries { \(primary) port \(primaryPort)\(keyClause); };
        };
        """
    }
}
