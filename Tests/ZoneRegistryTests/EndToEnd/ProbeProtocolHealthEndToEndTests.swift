import Foundation
import Testing

/// The three probe protocols of SPEC §5 against real endpoints on 127.0.3.31–34: `tcp`
/// (connect only), `https` (verified against `tls_ca`, or not at all with `tls_insecure`),
/// and the SOA serial moving with the healthy set (SPEC §4).
@Suite(.serialized) struct ProbeProtocolHealthEndToEndTests {
    static let detection = FailoverHealthEndToEndTests.detection

    static func corefile(peers: String, timeout: Double = 0.5) -> String {
        """
        example.test:PORT {
            bind 127.0.0.1
            zoneregistry {
                interval 1
                timeout \(Int(timeout * 1000))ms
                ttl 1
                mode address
        \(peers)
            }
        }
        """
    }

    static func peer(_ name: String, _ address: String, _ options: String) -> String {
        "        peer \(name).example.test {\n            ipv4 \(address)\n\(options.split(separator: "\n").map { "            \($0)\n" }.joined())        }"
    }

    static func addresses(_ daemon: DaemonProcess) throws -> Set<String> {
        Set(try Dig.query("app.example.test", "A", port: daemon.port).answer.map(\.data))
    }

    /// Waits until the log has a verdict line for each of `hosts` (first round done).
    static func waitForVerdicts(_ daemon: DaemonProcess, _ hosts: [String]) -> Bool {
        eventually(timeout: detection) {
            let log = daemon.stderrText
            return hosts.allSatisfy { log.contains("peer \($0).example.test. up") || log.contains("peer \($0).example.test. down") }
        }
    }

    @Test func tcpProbesPassOnConnectWhateverTheEndpointWouldAnswer() throws {
        // An endpoint that would say 503 over HTTP: a tcp probe only connects.
        let listening = try PeerProcess(address: "127.0.3.31", status: 503)
        let daemon = try DaemonProcess(corefile: Self.corefile(peers: [
            Self.peer("prod1", "127.0.3.31", "protocol tcp"),
            Self.peer("prod2", "127.0.3.32", "protocol tcp"),
        ].joined(separator: "\n")))
        #expect(Self.waitForVerdicts(daemon, ["prod1", "prod2"]))
        let log = daemon.stderrText
        #expect(log.contains("peer prod1.example.test. up"))
        #expect(log.contains("peer prod2.example.test. down: connect refused"))
        #expect(try Self.addresses(daemon) == ["127.0.3.31"])

        listening.stop()
        #expect(try eventually(timeout: Self.detection) { try Self.addresses(daemon) == ["127.0.3.31", "127.0.3.32"] },
                "both down: fail open")
    }

    @Test func httpsProbesVerifyTheCertificateAgainstTlsCAUnlessInsecure() throws {
        let authority = try TestCertificateAuthority(serverNames: ["prod1.example.test", "prod2.example.test", "prod3.example.test"])
        // Four clusters serving the same certificate; prod4's name is not in it.
        let endpoints = try ["127.0.3.31", "127.0.3.32", "127.0.3.33", "127.0.3.34"].map {
            try PeerProcess(address: $0, tls: authority.serverTLS)
        }
        // A handshake and the trust store's certificates are CPU work inside the probe's
        // timeout: under memcheck they take far longer than 500 ms.
        let daemon = try DaemonProcess(corefile: Self.corefile(peers: [
            Self.peer("prod1", "127.0.3.31", "protocol https\ntls_ca \(authority.caFile)"),
            Self.peer("prod2", "127.0.3.32", "protocol https"),
            Self.peer("prod3", "127.0.3.33", "protocol https\ntls_insecure"),
            Self.peer("prod4", "127.0.3.34", "protocol https\ntls_ca \(authority.caFile)"),
        ].joined(separator: "\n"), timeout: DaemonLaunch.scaled(0.5)))
        #expect(Self.waitForVerdicts(daemon, ["prod1", "prod2", "prod3", "prod4"]))
        let log = daemon.stderrText
        #expect(log.contains("peer prod1.example.test. up"), "signed by the tls_ca: trusted")
        #expect(log.contains("peer prod2.example.test. down: TLS: certificate verify failed"), "not in the system trust store")
        #expect(log.contains("peer prod3.example.test. up"), "tls_insecure: not verified")
        #expect(log.contains("peer prod4.example.test. down: TLS: certificate verify failed: hostname mismatch"))
        #expect(try Self.addresses(daemon) == ["127.0.3.31", "127.0.3.33"])
        withExtendedLifetime(endpoints) {}
    }

    @Test func soaSerialIncreasesOnlyWhenTheHealthySetChanges() throws {
        let prod1 = try PeerProcess(address: "127.0.3.31")
        let prod2 = try PeerProcess(address: "127.0.3.32")
        let daemon = try DaemonProcess(corefile: Self.corefile(peers: [
            Self.peer("prod1", "127.0.3.31", "protocol http"),
            Self.peer("prod2", "127.0.3.32", "protocol http"),
        ].joined(separator: "\n")))
        func serial() throws -> UInt32 {
            let soa = try #require(try Dig.query("example.test", "SOA", port: daemon.port).answer.first)
            return try #require(UInt32(soa.data.split(separator: " ")[2]))
        }
        #expect(Self.waitForVerdicts(daemon, ["prod1", "prod2"]))
        let steady = try serial()
        Thread.sleep(forTimeInterval: 1.2)
        #expect(try serial() == steady, "a round that changes nothing keeps the serial")

        prod1.stop()
        #expect(eventually(timeout: Self.detection) { daemon.stderrText.contains("peer prod1.example.test. down") })
        let afterDown = try serial()
        #expect(afterDown > steady)

        try prod1.start()
        #expect(try eventually(timeout: Self.detection) { try Self.addresses(daemon) == ["127.0.3.31", "127.0.3.32"] })
        #expect(try serial() > afterDown)
        withExtendedLifetime(prod2) {}
    }
}
