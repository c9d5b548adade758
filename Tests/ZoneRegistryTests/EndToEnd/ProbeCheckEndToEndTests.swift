import Foundation
import Testing

/// SPEC §12's checks against real endpoints on 127.0.11.31–34: `expect` ranges, `expect_body`,
/// and `header`/`host` arriving at an endpoint that refuses (400) a request without them.
/// The log line names the cause of each failure.
@Suite(.serialized) struct ProbeCheckEndToEndTests {
    static func corefile(registryOptions: String = "", peers: [String]) -> String {
        """
        example.test:PORT {
            bind 127.0.11.1
            prometheus 127.0.11.1:9153
            zoneregistry {
                interval 200ms
                timeout \(Int(DaemonLaunch.scaled(1) * 1000))ms
                mode address
                \(registryOptions)
        \(peers.joined(separator: "\n"))
            }
        }
        """
    }

    static func peer(_ name: String, _ address: String, _ options: [String] = []) -> String {
        "        peer \(name).example.test {\n            ipv4 \(address)\n"
            + options.map { "            \($0)\n" }.joined() + "        }"
    }

    static func verdicts(_ daemon: DaemonProcess, _ names: [String]) -> Bool {
        eventually(timeout: DaemonLaunch.scaled(5)) {
            let log = daemon.stderrText
            return names.allSatisfy { log.contains("peer \($0).example.test. up") || log.contains("peer \($0).example.test. down") }
        }
    }

    @Test func expectRangesAndBodyTextDecideWithTheCauseInTheLog() throws {
        let redirect = try RecordingPeer(address: "127.0.11.31", arguments: ["--status", "302 Found", "--header", "Location: /elsewhere"])
        let starting = try RecordingPeer(address: "127.0.11.32", arguments: ["--body", "starting\n"])
        let ready = try RecordingPeer(address: "127.0.11.33", arguments: ["--body", "{\"state\": \"ready\"}\n", "--pause", "0.02"])
        let daemon = try DaemonProcess(corefile: Self.corefile(peers: [
            Self.peer("redirect-ok", "127.0.11.31", ["expect 200-399"]),
            Self.peer("redirect-default", "127.0.11.31"),
            Self.peer("redirect-narrow", "127.0.11.31", ["expect 200-299 301"]),
            Self.peer("starting", "127.0.11.32", ["expect_body ready"]),
            Self.peer("ready", "127.0.11.33", ["expect_body ready"]),
        ]))
        #expect(Self.verdicts(daemon, ["redirect-ok", "redirect-default", "redirect-narrow", "starting", "ready"]))
        let log = daemon.stderrText
        #expect(log.contains("peer redirect-ok.example.test. up"), "302 is within 200-399")
        #expect(log.contains("peer redirect-default.example.test. down: status 302 (expected 200)"), "\(log)")
        #expect(log.contains("peer redirect-narrow.example.test. down: status 302 (expected 200-299 301)"))
        #expect(log.contains(#"peer starting.example.test. down: body lacks "ready""#), "a 200 whose body says starting")
        #expect(log.contains("peer ready.example.test. up"), "the body, written after the headers, has the text")
        let metrics = try MetricsScrape.scrape("127.0.11.1:9153")
        #expect(metrics.series("coredns_zoneregistry_peer_up", ["peer": "starting.example.test."]).map(\.value) == [0])
        #expect(metrics.series("coredns_zoneregistry_peer_up", ["peer": "ready.example.test."]).map(\.value) == [1])
        withExtendedLifetime([redirect, starting, ready]) {}
    }

    @Test func headerAndHostArriveAtThePeerAndHostIsTheTLSName() throws {
        let required = ["--require-header", "X-Probe: zr", "--require-header", "Host: app.example.org"]
        let plain = try RecordingPeer(address: "127.0.11.33", arguments: required)
        let authority = try TestCertificateAuthority(serverNames: ["app.example.org"])
        let tls = try RecordingPeer(address: "127.0.11.34", arguments: required + ["--cert", authority.serverTLS.cert, "--key", authority.serverTLS.key])
        let daemon = try DaemonProcess(corefile: Self.corefile(registryOptions: "header X-Probe zr", peers: [
            Self.peer("plain", "127.0.11.33", ["host app.example.org"]),
            Self.peer("bare", "127.0.11.33"),
            Self.peer("secure", "127.0.11.34", ["protocol https", "tls_ca \(authority.caFile)", "host app.example.org"]),
        ]))
        #expect(Self.verdicts(daemon, ["plain", "bare", "secure"]))
        let log = daemon.stderrText
        #expect(log.contains("peer plain.example.test. up"), "\(log)")
        #expect(log.contains("peer bare.example.test. down: status 400 (expected 200)"), "Host is the peer's own name without host")
        #expect(log.contains("peer secure.example.test. up"), "the certificate for app.example.org verifies")
        let seen = plain.connections.filter { $0.headers["host"] == "app.example.org" }
        #expect(!seen.isEmpty && seen.allSatisfy { $0.headers["x-probe"] == "zr" && $0.headers["user-agent"]?.hasPrefix("zoneregistry/") == true })
        #expect(plain.connections.contains { $0.headers["host"] == "bare.example.test" && $0.headers["x-probe"] == "zr" })
        #expect(!tls.connections.isEmpty && tls.connections.allSatisfy { $0.sni == "app.example.org" && $0.headers["x-probe"] == "zr" })
    }
}
