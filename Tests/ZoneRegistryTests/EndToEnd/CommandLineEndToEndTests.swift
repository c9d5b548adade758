import Foundation
import Testing

/// SPEC §8: the command line an operator types, run against the real binary.
@Suite struct CommandLineEndToEndTests {
    static let fixtures = DaemonProcess.packageRoot.appendingPathComponent("Tests/Fixtures")

    /// Runs the binary to completion; returns exit status, stdout and stderr.
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        let process = Process()
        DaemonLaunch.configure(process, arguments: arguments)
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    @Test func validateAcceptsTheSeedConfiguration() throws {
        let path = Self.fixtures.appendingPathComponent("seed-registry.Corefile").path
        let result = try Self.run(["-validate", "-conf", path])
        #expect(result.status == 0, "\(result.errors)")
    }

    @Test func validateAcceptsTheSeedPeerConfiguration() throws {
        let path = Self.fixtures.appendingPathComponent("seed-peer.Corefile").path
        let result = try Self.run(["-validate", "-conf", path])
        #expect(result.status == 0, "\(result.errors)")
    }

    @Test func validateRejectsThePluginReadmeExampleAtTheBadAddress() throws {
        let path = Self.fixtures.appendingPathComponent("seed-plugin-readme.Corefile").path
        let result = try Self.run(["-validate", "-conf", path])
        #expect(result.status != 0)
        #expect(result.errors.contains("\(path):30:14: invalid IPv4 address \"172.100.0.1043\""), "\(result.errors)")
    }

    @Test func versionPrintsTheVersion() throws {
        let result = try Self.run(["-version"])
        #expect(result.status == 0)
        #expect(result.output.hasPrefix("zoneregistry-"))
    }

    @Test func pluginsListsTheDirectives() throws {
        let result = try Self.run(["-plugins"])
        #expect(result.status == 0)
        #expect(result.output.contains("dns.zoneregistry"))
        #expect(result.output.contains("dns.whoami"))
    }

    @Test func aMissingCorefileIsAnErrorNamingIt() throws {
        let result = try Self.run(["-conf", "/nonexistent/Corefile"])
        #expect(result.status != 0)
        #expect(result.errors.contains("/nonexistent/Corefile"))
    }

    @Test func sigtermExitsCleanly() throws {
        let daemon = try DaemonProcess(corefile: ".:PORT {\n    bind 127.0.0.1\n    whoami\n}\n")
        #expect(try Dig.query("example.org", "A", port: daemon.port).status == "NOERROR")
        #expect(daemon.stop() == 0)
    }

    @Test func whoamiAnswersWithTheClientsAddressAndPort() throws {
        let daemon = try DaemonProcess(corefile: ".:PORT {\n    bind 127.0.0.1\n    whoami\n}\n")
        let udp = try Dig.query("example.org", "A", port: daemon.port)
        #expect(udp.status == "NOERROR")
        #expect(udp.answer.isEmpty)
        #expect(udp.additional.contains { $0.name == "example.org." && $0.type == "A" && $0.data == "127.0.0.1" })
        #expect(udp.additional.contains { $0.name == "_udp.example.org." && $0.type == "SRV" && $0.data.hasPrefix("0 0 ") })
        let tcp = try Dig.query("example.org", "A", port: daemon.port, options: ["+tcp"])
        #expect(tcp.additional.contains { $0.name == "_tcp.example.org." && $0.type == "SRV" })
    }

    @Test func defaultPortFlagAppliesToKeysWithoutAPort() throws {
        let port = UInt16.random(in: 20_000...59_999)
        let daemon = try DaemonProcess(corefile: "example.test {\n    bind 127.0.0.1\n    whoami\n}\n", extraArguments: ["-dns.port", String(port)])
        #expect(try Dig.query("x.example.test", "A", port: port).status == "NOERROR")
        _ = daemon
    }

    @Test func pidfileHoldsTheProcessIDWhileRunningAndIsRemovedOnExit() throws {
        let pidfile = FileManager.default.temporaryDirectory.appendingPathComponent("zr-\(UUID().uuidString).pid")
        let daemon = try DaemonProcess(corefile: ".:PORT {\n    bind 127.0.6.20\n    whoami\n}\n", extraArguments: ["-pidfile", pidfile.path])
        let written = try String(contentsOf: pidfile, encoding: .utf8)
        #expect(written == "\(daemon.process.processIdentifier)\n")
        #expect(daemon.stop() == 0)
        #expect(!FileManager.default.fileExists(atPath: pidfile.path))
    }

    /// Writes `text` to a Corefile in a fresh directory; the caller removes the directory.
    static func writeCorefile(_ text: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let corefile = directory.appendingPathComponent("Corefile")
        try text.write(to: corefile, atomically: true, encoding: .utf8)
        return corefile
    }

    @Test func aDNSPortTakenByAnotherProcessIsAnErrorNamingItAndTheDaemonExits() throws {
        // Another process holds only the TCP side: the UDP socket opens first and has to be
        // closed again on the way out (under memcheck, a leak if it is not).
        let port = UInt16.random(in: 20_000...59_999)
        let squatter = try PeerProcess(address: "127.0.6.23", port: Int(port))
        let corefile = try Self.writeCorefile(".:\(port) {\n    bind 127.0.6.23\n    whoami\n}\n")
        defer { try? FileManager.default.removeItem(at: corefile.deletingLastPathComponent()) }
        let result = try Self.run(["-conf", corefile.path])
        #expect(result.status == 1)
        #expect(result.errors.contains("tcp 127.0.6.23 port \(port): EADDRINUSE (address already in use)"), "\(result.errors)")
        withExtendedLifetime(squatter) {}
    }

    @Test func quietPrintsNoBannerAndStillServes() throws {
        let port = UInt16.random(in: 20_000...59_999)
        let corefile = try Self.writeCorefile(".:\(port) {\n    bind 127.0.6.21\n    whoami\n}\n")
        defer { try? FileManager.default.removeItem(at: corefile.deletingLastPathComponent()) }
        let process = Process()
        DaemonLaunch.configure(process, arguments: ["-conf", corefile.path, "-quiet"])
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        #expect(try eventually(timeout: 3) { try Dig.query("example.org", "A", port: port, server: "127.0.6.21").status == "NOERROR" })
        kill(process.processIdentifier, SIGTERM)
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(printed.isEmpty, "\(String(decoding: printed, as: UTF8.self))")
    }

    @Test func aSecondSignalDuringLameduckExitsAtOnce() throws {
        let daemon = try DaemonProcess(corefile: ".:PORT {\n    bind 127.0.6.22\n    whoami\n    health 127.0.6.22:8080 {\n        lameduck 5s\n    }\n}\n")
        daemon.signal(SIGTERM)
        #expect(daemon.waitForLog("plugin/health: Going into lameduck mode for 5s", timeout: 2))
        let seconds = measure {
            daemon.signal(SIGINT)
            #expect(daemon.waitForExit() == 0)
        }
        // Scaled for memcheck's slower exit (its leak check), but always well under the 5 s lameduck.
        #expect(seconds < min(DaemonLaunch.scaled(1), 4), "exited after \(seconds) s")
        #expect(daemon.stderrText.contains("second signal, leaving lameduck mode now"))
    }
}
