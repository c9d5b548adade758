import Foundation

/// A real recursive resolver: `unbound -d` with a stub zone pointing at the registry, as a
/// site resolver would be set up in front of it. Iterator only (no DNSSEC), caches kept short
/// (`cache-max-ttl: 0`); measured here, unbound 1.17 still reuses a referral until the
/// registry's own TTL runs out, counted in whole seconds (up to TTL + 1 s). Names outside the
/// stub zone are refused, so nothing leaves loopback.
/// Killed with SIGKILL (Foundation starts children with signals blocked).
final class UnboundProcess {
    let address: String
    let port: UInt16
    let directory: URL
    private let process = Process()
    private let errors = Pipe()

    init(address: String, stubZone: String, stubAddress: String, stubPort: UInt16) throws {
        self.address = address
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("zr-unbound-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = UInt16.random(in: 20_000...59_999)
        let configuration = directory.appendingPathComponent("unbound.conf")
        try UnboundProcess.configuration(address: address, port: port, directory: directory.path, stubZone: stubZone,
                                         stub: "\(stubAddress)@\(stubPort)")
            .write(to: configuration, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/unbound")
        process.arguments = ["-d", "-c", configuration.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let answering = eventually(timeout: 5) {
            !process.isRunning || (try? Dig.query(stubZone, "SOA", port: port, server: address, options: ["+rec"]).status) == "NOERROR"
        }
        guard answering, process.isRunning else {
            stop()
            throw UnboundError.didNotStart(String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
        }
    }

    static func configuration(address: String, port: UInt16, directory: String, stubZone: String, stub: String) -> String {
        """
        server:
            interface: \(address)@\(port)
            access-control: 127.0.0.0/8 allow
            do-not-query-localhost: no
            do-ip6: no
            username: ""
            chroot: ""
            directory: "\(directory)"
            pidfile: "\(directory)/unbound.pid"
            use-syslog: no
            logfile: ""
            verbosity: 1
            so-reuseport: no
            num-threads: 1
            module-config: "iterator"
            qname-minimisation: no
            cache-max-ttl: 0
            cache-max-negative-ttl: 0
            local-zone: "." refuse
            local-zone: "\(stubZone)." transparent
        stub-zone:
            name: "\(stubZone)."
            stub-addr: \(stub)
        """
    }

    /// `dig @ADDRESS -p PORT NAME A +rec`: what a client of this resolver gets.
    func resolve(_ name: String, _ type: String = "A") throws -> DigAnswer {
        try Dig.query(name, type, port: port, server: address, options: ["+rec"])
    }

    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    enum UnboundError: Error { case didNotStart(String) }
}
