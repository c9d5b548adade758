import Foundation
import Testing

/// SPEC §12: an http(s) probe reads the response and leaves with a FIN after the peer's own
/// close, so the peer never sees a reset and the registry keeps no TIME_WAIT socket. The
/// endpoints (127.0.11.21–26) record how every connection ended; several peers share one
/// endpoint so a short run makes a hundred probes.
@Suite(.serialized) struct PoliteProbeEndToEndTests {
    static let peersPerEndpoint = 5

    static func corefile(timeout: String, endpoints: [(address: String, options: String)]) -> String {
        var peers = ""
        for (index, endpoint) in endpoints.enumerated() {
            for copy in 0..<peersPerEndpoint {
                peers += "        peer p\(index)-\(copy).example.test {\n            ipv4 \(endpoint.address)\n"
                    + endpoint.options.split(separator: "\n").map { "            \($0)\n" }.joined() + "        }\n"
            }
        }
        return """
        example.test:PORT {
            bind 127.0.11.1
            zoneregistry {
                interval 100ms
                timeout \(timeout)
                mode address
        \(peers)    }
        }
        """
    }

    /// Registry-side sockets toward `address`:8080 still in TIME_WAIT.
    static func registryTimeWait(toward address: String) throws -> Int {
        let ss = Process()
        ss.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        ss.arguments = ["ss", "-tanH", "state", "time-wait", "dst", "\(address):8080"]
        let output = Pipe()
        ss.standardOutput = output
        try ss.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        ss.waitUntilExit()
        return text.split(separator: "\n").count
    }

    @Test func aHundredProbesEachEndWithACleanCloseOverHttpAndHttps() throws {
        let authority = try TestCertificateAuthority(serverNames: ["*.example.test"])
        let tls = ["--cert", authority.serverTLS.cert, "--key", authority.serverTLS.key]
        let pieces = ["--pause", "0.02"]
        let endpoints = [
            try RecordingPeer(address: "127.0.11.21"),
            try RecordingPeer(address: "127.0.11.22", arguments: pieces),
            try RecordingPeer(address: "127.0.11.23", arguments: tls),
            try RecordingPeer(address: "127.0.11.24", arguments: tls + pieces),
        ]
        let https = "protocol https\ntls_ca \(authority.caFile)"
        let daemon = try DaemonProcess(corefile: Self.corefile(timeout: "\(Int(DaemonLaunch.scaled(1) * 1000))ms", endpoints: [
            ("127.0.11.21", ""), ("127.0.11.22", ""), ("127.0.11.23", https), ("127.0.11.24", https),
        ]))
        let enough = eventually(timeout: DaemonLaunch.scaled(15)) { endpoints.allSatisfy { $0.connections.count >= 100 } }
        #expect(enough, "\(endpoints.map(\.connections.count)) probes")
        for (index, endpoint) in endpoints.enumerated() {
            let connections = endpoint.connections
            let ends = Dictionary(grouping: connections, by: \.end).mapValues(\.count)
            #expect(ends == ["clean": connections.count], "endpoint \(index): \(ends)")
            if index >= 2 {
                #expect(connections.allSatisfy { $0.close_notify == true }, "endpoint \(index): close_notify before the FIN")
            }
            #expect(connections.allSatisfy { $0.request == "GET /health HTTP/1.1" })
            #expect(try Self.registryTimeWait(toward: endpoint.process.address) == 0, "endpoint \(index)")
        }
        let log = daemon.stderrText
        #expect(!log.contains("down"), "\(log)")
    }

    @Test func aPeerThatSendsForeverIsStillCutOffWithinTheTimeout() throws {
        let flood = try RecordingPeer(address: "127.0.11.25", arguments: ["--forever", "0"])
        let trickle = try RecordingPeer(address: "127.0.11.26", arguments: ["--forever", "0.05"])
        let timeout = DaemonLaunch.scaled(1)
        let daemon = try DaemonProcess(corefile: Self.corefile(timeout: "\(Int(timeout * 1000))ms", endpoints: [
            ("127.0.11.25", ""), ("127.0.11.26", ""),
        ]))
        let seen = eventually(timeout: DaemonLaunch.scaled(10)) { flood.connections.count >= 5 && trickle.connections.count >= 5 }
        #expect(seen, "flood \(flood.connections.count), trickle \(trickle.connections.count)")
        for (name, endpoint) in [("flood", flood), ("trickle", trickle)] {
            for connection in endpoint.connections {
                #expect(connection.end == "reset", "\(name): \(connection.end)")
                #expect(connection.seconds < timeout + 0.5, "\(name): cut after \(connection.seconds) s")
            }
        }
        // The status line and headers said 200: the verdict is given before the flood is cut.
        #expect(daemon.stderrText.contains("peer p0-0.example.test. up"))
    }

    /// `make run`'s example peer (Tests/Fixtures/peer.py, as examples/run.sh starts it) prints
    /// nothing while it is probed over http, and over tcp, whose probes reset by design.
    @Test func theExamplePeerPrintsNothingWhileProbed() throws {
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("zr-peer-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errors) }
        let peer = Process()
        peer.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        peer.arguments = ["python3", DaemonProcess.packageRoot.appendingPathComponent("Tests/Fixtures/peer.py").path,
                          "--address", "127.0.11.41", "--port", "8080"]
        let output = Pipe()
        peer.standardOutput = output
        peer.standardError = try FileHandle(forWritingTo: errors)
        try peer.run()
        defer { kill(peer.processIdentifier, SIGKILL); peer.waitUntilExit() }
        #expect(String(decoding: output.fileHandleForReading.availableData, as: UTF8.self).contains("ready"))
        let daemon = try DaemonProcess(corefile: Self.corefile(timeout: "1s", endpoints: [
            ("127.0.11.41", ""), ("127.0.11.41", "protocol tcp"),
        ]))
        usleep(UInt32(DaemonLaunch.scaled(1.5) * 1_000_000))
        #expect(daemon.stderrText.contains("peer p0-0.example.test. up") && daemon.stderrText.contains("peer p1-0.example.test. up"))
        let printed = try String(contentsOf: errors, encoding: .utf8)
        #expect(printed.isEmpty, "peer.py printed: \(printed.prefix(500))")
    }
}
