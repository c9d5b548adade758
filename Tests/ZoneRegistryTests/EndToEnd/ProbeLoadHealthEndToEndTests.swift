import Foundation
import Testing

/// Probing shares the one loop with DNS: 200 clusters whose health endpoints hang
/// (127.0.4.1–200, every probe runs into its 1 s timeout) must not slow answers down.
/// One healthy primary on 127.0.3.41 is what clients are sent to.
@Suite(.serialized) struct ProbeLoadHealthEndToEndTests {
    static let primary = "127.0.3.41"
    static let timeoutSeconds = 1.0
    /// A loop that waited on a probe would answer after up to the probe timeout; answers
    /// here take a millisecond or so. A quarter of the timeout leaves room for a machine busy
    /// with other suites without hiding a blocked loop.
    static let slowestAnswer = timeoutSeconds / 4

    static func corefile(hung: [String]) -> String {
        let secondaries = hung.enumerated().map { index, address in
            "        peer hung\(index + 1).example.test {\n            role secondary\n            ipv4 \(address)\n        }"
        }
        return """
        example.test:PORT {
            bind 127.0.0.1
            zoneregistry {
                interval 1
                timeout \(Int(timeoutSeconds * 1000))ms
                ttl 1
                mode address
                peer prod1.example.test {
                    ipv4 \(primary)
                }
        \(secondaries.joined(separator: "\n"))
            }
        }
        """
    }

    /// dig's own measure of one exchange, `;; Query time: 0 msec`, in seconds.
    static func queryTime(_ answer: DigAnswer) -> Double? {
        guard let line = answer.raw.split(separator: "\n").first(where: { $0.hasPrefix(";; Query time:") }),
              let milliseconds = line.split(separator: " ").dropFirst(3).first.flatMap({ Double($0) }) else { return nil }
        return milliseconds / 1000
    }

    @Test func dnsKeepsAnsweringWhile200PeersTimeOut() throws {
        let hung = try HungPeers(first: "127.0.4.1", count: 200)
        let primary = try PeerProcess(address: Self.primary)
        let daemon = try DaemonProcess(corefile: Self.corefile(hung: hung.addresses))

        // 3 s at 1,000 queries/s while the first rounds' probes hang until their timeout.
        let report = try DNSPerfReport.run(queries: ["app.example.test A", "example.test SOA"], port: daemon.port, seconds: 3, rate: 1000)
        #expect(report.sent >= 2500, "\(report.raw)")
        #expect(report.completed == report.sent)
        #expect(report.lost == 0)
        #expect(report.responseCodes == ["NOERROR": report.sent])
        #expect(report.maximumLatency < Self.slowestAnswer, "slowest answer \(report.maximumLatency) s")

        let answers = try (1...20).map { _ in try Dig.query("app.example.test", "A", port: daemon.port) }
        #expect(answers.allSatisfy { $0.answer.map(\.data) == [Self.primary] })
        let queryTimes = answers.compactMap(Self.queryTime)
        #expect(queryTimes.count == answers.count)
        #expect(queryTimes.allSatisfy { $0 < Self.slowestAnswer }, "dig query times \(queryTimes)")
        // The probes did hang: in-flight probes are bounded (64), so the 200 take a few rounds.
        #expect(eventually(timeout: 6) { daemon.logCount("down: timeout after 1000ms") == 200 })
        withExtendedLifetime((hung, primary)) {}
    }

    @Test func reloadingDuringTheProbeStormKeepsServingAndProbing() throws {
        let hung = try HungPeers(first: "127.0.4.1", count: 200)
        let primary = try PeerProcess(address: Self.primary)
        let daemon = try DaemonProcess(corefile: Self.corefile(hung: hung.addresses))
        // SIGHUP while probes are in flight and queued behind the in-flight bound.
        for _ in 1...3 {
            Thread.sleep(forTimeInterval: 0.7)
            daemon.signal(SIGHUP)
            #expect(try Dig.query("app.example.test", "A", port: daemon.port).answer.map(\.data) == [Self.primary])
        }
        #expect(eventually(timeout: 2) { daemon.logCount("reloaded") == 3 })
        #expect(try Dig.query("app.example.test", "A", port: daemon.port).answer.map(\.data) == [Self.primary])

        // Probing goes on after the reloads: the primary's death is still noticed, although
        // its probe may queue behind the hung ones for a few seconds.
        primary.stop()
        #expect(eventually(timeout: 10) { daemon.stderrText.contains("peer prod1.example.test. down: connect refused") },
                "\(daemon.stderrText.split(separator: "\n").filter { !$0.contains("timeout after") })")
        #expect(daemon.stop() == 0)
        withExtendedLifetime(hung) {}
    }
}
