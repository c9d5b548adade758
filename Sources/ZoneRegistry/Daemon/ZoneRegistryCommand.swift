import ArgumentParser
import Foundation
import Logging

/// The command line: CoreDNS's single-dash flags (SPEC §8), plus `-validate`.
struct ZoneRegistryCommand: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "zoneregistry",
        abstract: "Authoritative DNS for one zone in front of several Kubernetes clusters, answering with the healthy ones.",
        subcommands: [CtlCommand.self]
    )

    @Option(name: .customLong("conf", withSingleDash: true), help: "Corefile to load (default ./Corefile).")
    var conf: String?

    @Option(name: .customLong("dns.port", withSingleDash: true), help: "Default port for server blocks without one.")
    var dnsPort: UInt16 = 53

    @Option(name: .customLong("pidfile", withSingleDash: true), help: "Write the process id to this file.")
    var pidfile: String?

    @Flag(name: .customLong("quiet", withSingleDash: true), help: "No startup output.")
    var quiet = false

    @Flag(name: .customLong("version", withSingleDash: true), help: "Print the version and exit.")
    var showVersion = false

    @Flag(name: .customLong("plugins", withSingleDash: true), help: "List the directives this build understands and exit.")
    var plugins = false

    @Flag(name: .customLong("validate", withSingleDash: true), help: "Parse the Corefile, print every error, exit non-zero on any.")
    var validate = false

    func run() throws {
        if showVersion {
            print("zoneregistry-\(ZoneRegistryCommand.version)")
            return
        }
        if plugins {
            print("Server types:\n  dns\n\nCaddyfile loaders:\n  flag\n  default\n\nOther plugins:")
            for directive in ZoneRegistryCommand.directives { print("  dns.\(directive)") }
            return
        }
        let (configuration, path) = try loadConfiguration()
        // `debug` (server block or registry) shows each probe's verdict, not only the changes.
        let debug = configuration.servers.contains { $0.debug || $0.registry?.debug == true }
        LoggingSystem.bootstrap { label in
            var handler = StderrLogHandler(label: label)
            handler.logLevel = debug ? .debug : .info
            return handler
        }
        let logger = Logger(label: "")
        if validate {
            print("\(path ?? "default configuration"): OK")
            return
        }
        let loop = try EventLoop()
        let daemon = Daemon(loop: loop, configuration: configuration, configPath: path, defaultPort: dnsPort, logger: logger)
        do {
            try daemon.start()
        } catch {
            // start() closed what it had opened (a UDP socket when the TCP side of the port is
            // taken), but a handle's memory is released only in its close callback: run the
            // loop until those have fired, or the exit leaks them and the loop itself.
            loop.run()
            FileHandle.standardError.write(Data("zoneregistry: \(error)\n".utf8))
            throw ExitCode(1)
        }

        if let pidfile {
            try? "\(getpid())\n".write(toFile: pidfile, atomically: true, encoding: .utf8)
        }
        if !quiet {
            // Unbuffered, so a supervisor or test reading the pipe sees the banner at once.
            let banner = daemon.listenerDescriptions.map { "dns://\($0)\n" }.joined() + "zoneregistry-\(ZoneRegistryCommand.version)\n"
            FileHandle.standardOutput.write(Data(banner.utf8))
        }
        loop.run()
        if let pidfile { try? FileManager.default.removeItem(atPath: pidfile) }
    }

    /// `-conf`, else `./Corefile`, else CoreDNS's default: `whoami` on `.` at the default port.
    private func loadConfiguration() throws -> (Configuration, String?) {
        let environment = ProcessInfo.processInfo.environment
        let path = conf ?? (FileManager.default.fileExists(atPath: "Corefile") ? "Corefile" : nil)
        guard let path else {
            return (try CorefileParser.parse(". {\n    whoami\n}\n", file: "default", defaultPort: dnsPort), nil)
        }
        do {
            return (try CorefileParser.load(path: path, defaultPort: dnsPort, environment: environment), path)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    static let directives = ["bind", "control", "debug", "errors", "health", "log", "prometheus", "ready", "whoami", "zoneregistry"]
}
