import Foundation
import Testing

/// `probe_source` (SPEC §9, §12) against real endpoints on 127.0.11.11–13 that record the
/// source address of every probe: the registry-wide source, a peer's own one, and the
/// connect-only `tcp` prober all send from the address configured.
@Suite(.serialized) struct ProbeSourceEndToEndTests {
    static func corefile(registryOptions: String, peers: String) -> String {
        """
        example.test:PORT {
            bind 127.0.11.1
            zoneregistry {
                interval 200ms
                timeout 500ms
                mode address
                \(registryOptions)
        \(peers)
            }
        }
        """
    }

    static func peer(_ name: String, _ address: String, _ options: [String] = []) -> String {
        "        peer \(name).example.test {\n            ipv4 \(address)\n"
            + options.map { "            \($0)\n" }.joined() + "        }"
    }

    @Test func everyProbeLeavesFromItsConfiguredSourceAddress() throws {
        let registryWide = try RecordingPeer(address: "127.0.11.11")
        let own = try RecordingPeer(address: "127.0.11.12")
        let connectOnly = try RecordingPeer(address: "127.0.11.13")
        let daemon = try DaemonProcess(corefile: Self.corefile(registryOptions: "probe_source 127.0.11.61", peers: [
            Self.peer("prod1", "127.0.11.11"),
            Self.peer("prod2", "127.0.11.12", ["probe_source 127.0.11.62"]),
            Self.peer("prod3", "127.0.11.13", ["protocol tcp", "probe_source 127.0.11.63"]),
        ].joined(separator: "\n")))
        let seen = eventually(timeout: DaemonLaunch.scaled(5)) {
            [registryWide, own, connectOnly].allSatisfy { $0.connections.count >= 3 }
        }
        #expect(seen, "each peer probed a few times")
        #expect(Set(registryWide.connections.map(\.source)) == ["127.0.11.61"])
        #expect(Set(own.connections.map(\.source)) == ["127.0.11.62"])
        #expect(Set(connectOnly.connections.map(\.source)) == ["127.0.11.63"])
        let log = daemon.stderrText
        #expect(log.contains("peer prod1.example.test. up") && log.contains("peer prod2.example.test. up")
                && log.contains("peer prod3.example.test. up"))
    }

    @Test func aSourceThisMachineCannotSendFromFailsTheLoadWithItsPosition() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("Corefile")
        try Self.corefile(registryOptions: "probe_source 192.0.2.61", peers: Self.peer("prod1", "127.0.11.11"))
            .replacingOccurrences(of: "PORT", with: "53").write(to: file, atomically: true, encoding: .utf8)
        let result = try CommandLineEndToEndTests.run(["-validate", "-conf", file.path])
        #expect(result.status != 0)
        #expect(result.errors.contains(
            "\(file.path):7:22: probe_source \"192.0.2.61\" cannot be bound: EADDRNOTAVAIL (address not available); expected an address this machine can send from"))
    }
}
