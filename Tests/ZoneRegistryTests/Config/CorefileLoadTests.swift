import Foundation
import Testing
@testable import ZoneRegistry

@Suite struct CorefileLoadTests {
    private func temporaryFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("Corefile-\(UUID().uuidString)").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func loadsAFileAndNamesItInErrorsAsGiven() throws {
        let path = try temporaryFile(SeedCorefiles.peer)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try CorefileParser.load(path: path, defaultPort: 53, environment: [:]).servers.count == 1)

        let bad = try temporaryFile(". {\n    ttl 5\n}\n")
        defer { try? FileManager.default.removeItem(atPath: bad) }
        #expect(throws: ConfigErrors.self) { try CorefileParser.load(path: bad, defaultPort: 53, environment: [:]) }
        do {
            _ = try CorefileParser.load(path: bad, defaultPort: 53, environment: [:])
        } catch {
            #expect(error.description == "\(bad):2:5: unknown directive \"ttl\"; expected one of bind, zoneregistry, whoami, health, ready, prometheus, control, log, errors, debug, tsig, transfer")
        }
    }

    @Test func missingFileIsAConfigError() {
        do {
            _ = try CorefileParser.load(path: "/nonexistent/Corefile", defaultPort: 53, environment: [:])
            Issue.record("a missing file loaded")
        } catch {
            #expect(error.errors.count == 1)
            #expect(error.errors[0].location == SourceLocation(file: "/nonexistent/Corefile", line: 0, column: 0))
            #expect(error.description == "/nonexistent/Corefile: cannot read: No such file or directory")
        }
    }

    @Test func directoryAndNonUTF8FileAreConfigErrors() throws {
        let directory = FileManager.default.temporaryDirectory.path
        #expect(loadError(directory) == "\(directory): cannot read: Is a directory")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("Corefile-\(UUID().uuidString)").path
        try Data([0x2e, 0x20, 0x7b, 0xff, 0xfe, 0x7d]).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(loadError(path) == "\(path): cannot read: not UTF-8 text")
    }

    private func loadError(_ path: String) -> String? {
        do {
            _ = try CorefileParser.load(path: path, defaultPort: 53, environment: [:])
            return nil
        } catch {
            return error.description
        }
    }

    @Test func environmentFillsValuesAndUnsetVariablesAreErrors() throws {
        let text = "{$ZONE}:{$PORT} {\nzoneregistry {\nttl {%TTL%}\npeer p1.{$ZONE} {\nipv4 {$ADDR}\n}\n}\n}"
        let environment = ["ZONE": "example.org", "PORT": "1053", "TTL": "30", "ADDR": "127.0.0.9"]
        let configuration = try CorefileParser.parse(text, file: "Corefile", environment: environment)
        #expect(configuration.servers[0].keys == [ServerKey(zone: name("example.org"), port: 1053)])
        #expect(configuration.servers[0].registry?.ttl == 30)
        #expect(configuration.servers[0].registry?.peers[0].ipv4?.description == "127.0.0.9")
        #expect(configErrors(text, environment: ["ZONE": "example.org", "PORT": "1053", "TTL": "30"]) == [
            #"Corefile:5:6: environment variable "ADDR" is not set"#,
        ])
    }

    @Test func errorsAreSortedAndPrintedOnePerLine() {
        let errors = ConfigErrors(errors: [
            ConfigError(location: location(1, 2), message: "first"),
            ConfigError(location: location(3, 4), message: "second"),
        ])
        #expect(errors.description == "Corefile:1:2: first\nCorefile:3:4: second")
    }
}
