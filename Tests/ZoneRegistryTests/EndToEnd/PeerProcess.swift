import Foundation

/// A peer cluster's health endpoint as a real process on its own loopback address
/// (`Tests/Fixtures/peer.py`): answers `GET /health` with a chosen status, optionally over TLS.
/// Killed when the test drops it; `stop()` kills it earlier to simulate a dead cluster.
final class PeerProcess {
    let address: String
    let port: Int
    private var process: Process?
    private let arguments: [String]

    convenience init(address: String, port: Int = 8080, status: Int = 200, delay: Double = 0, tls: (cert: String, key: String)? = nil) throws {
        var arguments = ["--status", String(status), "--delay", String(delay)]
        if let tls { arguments += ["--cert", tls.cert, "--key", tls.key] }
        try self.init(script: "peer.py", address: address, port: port, arguments: arguments)
    }

    /// `script` in Tests/Fixtures, given `--address` and `--port` before `arguments`.
    init(script: String, address: String, port: Int, arguments: [String]) throws {
        self.address = address
        self.port = port
        self.arguments = [DaemonProcess.packageRoot.appendingPathComponent("Tests/Fixtures/\(script)").path,
                          "--address", address, "--port", String(port)] + arguments
        try start()
    }

    /// (Re)starts the endpoint and returns once it listens.
    func start() throws {
        stop()
        // Another test's peer may still hold the address for a moment: give up after a few tries.
        for attempt in 1...5 {
            if let process = try launch() {
                self.process = process
                return
            }
            usleep(UInt32(attempt) * 200_000)
        }
        throw PeerError.didNotStart(address)
    }

    /// The endpoint once it says it listens; nil when it exited first.
    private func launch() throws -> Process? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        while !text.contains("ready") {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty {
                process.waitUntilExit()
                return nil
            }
            text += String(decoding: data, as: UTF8.self)
        }
        return process
    }

    func stop() {
        guard let process, process.isRunning else { return }
        // SIGKILL: Foundation starts children with signals blocked, so SIGTERM may never land;
        // a cluster vanishing at once is also what a probe must notice.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    deinit { stop() }

    enum PeerError: Error { case didNotStart(String) }
}
