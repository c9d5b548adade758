import Foundation
import Testing

/// SPEC §7 SIGHUP under load, as an operator rolls a config change out: dnsperf keeps sending
/// while the Corefile is rewritten and reloaded 20 times, valid and invalid alternately.
/// prod1 (127.0.5.41) is healthy; prod2 (127.0.5.42) answers its probe with 503, so it is down
/// and must stay out of every answer across every reload.
@Suite(.serialized) final class ReloadEndToEndTests {
    static func corefile(ttl: Int, extra: String = "", prod2Address: String = "127.0.5.42") -> String {
        """
        .:PORT {
            bind 127.0.5.40
            prometheus 127.0.5.40:9153
            zoneregistry service.example.test {
                interval 1
                timeout 500ms
                ttl \(ttl)
                mode address
        \(extra)
                peer prod1.service.example.test {
                    ipv4 127.0.5.41
                }
                peer prod2.service.example.test {
                    ipv4 \(prod2Address)
                }
            }
        }
        """
    }

    /// Broken Corefiles, each with the `LINE:COLUMN: message` the log must show.
    static let invalid: [(text: String, error: String)] = [
        (corefile(ttl: 99_999), "7:13: TTL \"99999\" is out of range; expected 0 to 3600"),
        (corefile(ttl: 60, extra: "        intervall 2"), "9:9: zoneregistry: unknown option \"intervall\"; did you mean \"interval\"?"),
        (corefile(ttl: 60, prod2Address: "127.0.5.420"), "14:18: invalid IPv4 address \"127.0.5.420\""),
    ]

    let peers: [PeerProcess]
    let daemon: DaemonProcess

    init() throws {
        peers = [try PeerProcess(address: "127.0.5.41"), try PeerProcess(address: "127.0.5.42", status: 503)]
        daemon = try DaemonProcess(corefile: Self.corefile(ttl: 100))
        #expect(daemon.waitForLog("peer prod2.service.example.test. down: status 503", timeout: 3), "\(daemon.logText)")
    }

    func answer() throws -> DigAnswer {
        try Dig.query("app.service.example.test", "A", port: daemon.port, server: "127.0.5.40")
    }

    /// Entries in /proc/PID/fd: sockets, timers' fds, the log file.
    func openDescriptors() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(daemon.process.processIdentifier)/fd").count) ?? -1
    }

    func reload(_ text: String) throws {
        try text.replacingOccurrences(of: "PORT", with: String(daemon.port)).write(to: daemon.corefile, atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
    }

    @Test func twentyReloadsUnderLoadLoseNoQueryKeepHealthAndApplyOnlyValidConfigs() throws {
        let prod2 = ["peer": "prod2.service.example.test."]
        let before = try MetricsScrape.scrape("127.0.5.40:9153")
        let descriptorsBefore = openDescriptors()
        let load = try Dnsperf(server: "127.0.5.40", port: daemon.port, queries: [
            "app.service.example.test A", "www.app.service.example.test AAAA", "service.example.test SOA",
            "prod1.service.example.test A", "example.org A",
        ], seconds: 4, queriesPerSecond: 2000)
        usleep(300_000)

        var ttl = 100
        for round in 1...20 {
            if round.isMultiple(of: 2) {
                let (text, error) = Self.invalid[(round / 2) % Self.invalid.count]
                try reload(text)
                #expect(daemon.waitForLog("keeps serving", count: round / 2, timeout: 2))
                #expect(daemon.logText.contains("\(daemon.corefile.path):\(error)"), "\(daemon.logText)")
                #expect(try answer().answer.map(\.description) == ["app.service.example.test. \(ttl) A 127.0.5.41"])
            } else {
                ttl = 100 + round
                try reload(Self.corefile(ttl: ttl))
                // The new configuration answers from the next query; prod2 is still down in it.
                #expect(try eventually(timeout: 2, every: 0.01) { try answer().answer.first?.ttl == ttl })
                #expect(try answer().answer.map(\.description) == ["app.service.example.test. \(ttl) A 127.0.5.41"])
            }
        }

        let statistics = load.finish()
        #expect(statistics.output.contains("Queries lost:         0 "), "\(statistics.output)")
        #expect(statistics.lost == 0)
        #expect(statistics.sent > 4_000 && statistics.completed == statistics.sent, "\(statistics.output)")
        #expect(daemon.waitForLog("plugin/reload: reloaded", count: 10, timeout: 1))
        // One line per event, each error whole: `[ERROR] plugin/reload: FILE:LINE:COL: message`.
        let lines = daemon.logText.split(separator: "\n")
        #expect(lines.allSatisfy { $0.hasPrefix("[INFO] ") || $0.hasPrefix("[ERROR] ") }, "\(daemon.logText)")
        #expect(lines.contains("[ERROR] plugin/reload: \(daemon.corefile.path):\(Self.invalid[0].error)"))

        // prod2 went down once at startup and never flipped back; counters were not reset.
        let after = try MetricsScrape.scrape("127.0.5.40:9153")
        #expect(after.sum("coredns_zoneregistry_peer_up", prod2) == 0)
        #expect(after.sum("coredns_zoneregistry_peer_transitions_total", prod2.merging(["to": "down"]) { $1 }) == 1)
        #expect(after.sum("coredns_zoneregistry_peer_transitions_total", prod2.merging(["to": "up"]) { $1 }) == 0)
        #expect(after.sum("coredns_zoneregistry_query_count_total")
                >= before.sum("coredns_zoneregistry_query_count_total") + Double(statistics.completed) * 4 / 5 - 5)
        #expect(!daemon.logText.contains("peer prod2.service.example.test. up"))
        // Kept listeners were not reopened and cancelled probes closed their sockets: the
        // descriptor count is where it was (give or take a probe in flight).
        #expect(openDescriptors() <= descriptorsBefore + 2, "\(descriptorsBefore) → \(openDescriptors())")
    }

    @Test func aPeerWhoseHostIsUnchangedKeepsItsHealthUntilItsNextProbe() throws {
        // prod2 moves to a healthy endpoint under the same host: it stays down until its next
        // probe says otherwise, instead of starting over as "not yet probed" (= healthy). Its
        // own address, not prod1's: a shared address is answered once (docs/answers.md).
        let healthy = try PeerProcess(address: "127.0.5.43")
        try reload(Self.corefile(ttl: 30, prod2Address: "127.0.5.43"))
        #expect(try eventually(timeout: 2, every: 0.01) { try answer().answer.first?.ttl == 30 })
        #expect(try answer().answer.map(\.data) == ["127.0.5.41"])
        #expect(try eventually(timeout: 3) { try answer().answer.map(\.data).sorted() == ["127.0.5.41", "127.0.5.43"] })
        withExtendedLifetime(healthy) {}
        #expect(daemon.waitForLog("peer prod2.service.example.test. up", timeout: 1))
    }

    @Test func debugAddedOrRemovedByAReloadTurnsProbeVerdictLinesOnAndOff() throws {
        let verdict = "[DEBUG] plugin/zoneregistry: peer prod1.service.example.test. probe: pass"
        #expect(!daemon.logText.contains(verdict))
        try reload(Self.corefile(ttl: 40, extra: "        debug"))
        #expect(daemon.waitForLog(verdict, timeout: 3), "\(daemon.logText)")
        try reload(Self.corefile(ttl: 41))
        #expect(daemon.waitForLog("plugin/reload: reloaded", count: 2, timeout: 2))
        let lines = daemon.logText.components(separatedBy: verdict).count
        usleep(1_500_000)
        #expect(daemon.logText.components(separatedBy: verdict).count == lines)
    }

    @Test func aReloadThatCannotOpenANewSocketChangesNothing() throws {
        // Another process holds 127.0.5.45:8080, where the new configuration wants `health`.
        let squatter = try PeerProcess(address: "127.0.5.45")
        let text = Self.corefile(ttl: 50).replacingOccurrences(
            of: "prometheus 127.0.5.40:9153", with: "prometheus 127.0.5.40:9153\n    health 127.0.5.45:8080")
        try reload(text)
        #expect(daemon.waitForLog("keeps serving", timeout: 2))
        #expect(daemon.logText.contains("tcp 127.0.5.45 port 8080: EADDRINUSE (address already in use)"), "\(daemon.logText)")
        #expect(try answer().answer.first?.ttl == 100)
        #expect(try Curl.get("http://127.0.5.40:9153/metrics").status == 200)
        squatter.stop()
        // Once the address is free, the same file loads.
        daemon.signal(SIGHUP)
        #expect(try eventually(timeout: 2) { try answer().answer.first?.ttl == 50 })
        #expect(try Curl.get("http://127.0.5.45:8080/health").body == "OK")
    }
}
