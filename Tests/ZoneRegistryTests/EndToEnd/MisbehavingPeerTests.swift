import Foundation
import Testing
@testable import ZoneRegistry

/// A thousand peers failing in every way a health endpoint can (SPEC §5), served by
/// `Tests/Fixtures/misbehaving_peers.py` on 127.0.7.x/127.0.8.x. Each failure gets the verdict
/// an operator would name, the loop keeps answering DNS within milliseconds while it probes
/// them, and reloading back to a small configuration leaves exactly the descriptors it
/// started with: no probe's socket or timer leaks, whatever the peer did to it.
@Suite struct MisbehavingPeerTests {
    /// Each misbehaviour and the cause its `peer H down: CAUSE` line must give; nil: the peer
    /// is up. A 200 status line whose headers never end is not an answer (SPEC §12: the
    /// probe reads the headers).
    static let behaviours: [(name: String, cause: String?)] = [
        ("silent", "timeout after 500ms"),
        ("garbage", "not an HTTP status line"),
        ("late200", "timeout after 500ms"),
        ("endless-headers", "timeout after 500ms"),
        ("endless-status", "status line too long"),
        ("reset", "connection reset"),
        ("refused", "connect refused"),
        ("blackhole", "timeout after 500ms"),
    ]
    static let peerCount = 1_000
    static let dnsHost = "127.0.9.2"
    static let anchor = (address: "127.0.8.251", port: 8080)

    /// Peer `i`: address 127.0.7.1… then 127.0.8.1…, two peers per address (ports 8080, 8081).
    static func endpoint(_ index: Int) -> (address: String, port: Int, behaviour: Int) {
        let slot = index / 2
        let address = slot < 250 ? "127.0.7.\(slot + 1)" : "127.0.8.\(slot - 250 + 1)"
        return (address, 8080 + index % 2, index % behaviours.count)
    }

    static func host(_ index: Int) -> String { String(format: "p%04d.peers.test", index) }

    static func corefile(peers: Int) -> String {
        var text = """
            peers.test:PORT {
                bind \(dnsHost)
                zoneregistry {
                    interval 1
                    timeout 500ms
                    mode address
                    peer anchor.peers.test {
                        ipv4 \(anchor.address)
                        port \(anchor.port)
                    }

            """
        for index in 0..<peers {
            let (address, port, _) = endpoint(index)
            text += "            peer \(host(index)) {\n                ipv4 \(address)\n                port \(port)\n            }\n"
        }
        return text + "        }\n    }\n"
    }

    static func plan() -> String {
        var lines = ["good \(anchor.address) \(anchor.port)"]
        for index in 0..<peerCount {
            let (address, port, behaviour) = endpoint(index)
            lines.append("\(behaviours[behaviour].name) \(address) \(port)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Round trips of UDP queries sent one after another for `seconds`, in milliseconds.
    static func queryTimes(port: UInt16, seconds: Double) throws -> [Double] {
        var times: [Double] = []
        let query = makeQuery("www.peers.test", .a)
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            let started = Date()
            let response = try udpExchange(query, host: dnsHost, port: port, timeout: 1)
            times.append(response == nil ? 1_000 : Date().timeIntervalSince(started) * 1_000)
            usleep(20_000)
        }
        return times.sorted()
    }

    @Test func everyMisbehaviourGetsItsVerdictWhileDNSStaysFastAndNoDescriptorLeaks() throws {
        let peers = try MisbehavingPeers(plan: Self.plan())
        let daemon = try LoggedDaemon(corefile: Self.corefile(peers: 0))
        usleep(1_500_000)    // the anchor's first probe
        let baseline = (0..<5).map { _ in daemon.openFiles }.min()!

        #expect(try daemon.reload(Self.corefile(peers: Self.peerCount)))
        var peak = 0
        var times: [Double] = []
        // Twelve seconds: about four rounds of all 1,000 peers at 64 probes in flight (each
        // round waits out 375 timeouts of 500 ms).
        for _ in 0..<3 {
            times += try Self.queryTimes(port: daemon.port, seconds: 4)
            peak = max(peak, daemon.openFiles)
        }
        times.sort()
        let median = times[times.count / 2], p95 = times[times.count * 95 / 100], slowest = times.last!
        #expect(median < 5 && p95 < 25, "DNS round trip under load: median \(median) ms, p95 \(p95) ms, max \(slowest) ms")
        #expect(slowest < 250, "a query waited \(slowest) ms")
        let dig = try Dig.query("www.peers.test", "A", port: daemon.port, server: Self.dnsHost)
        #expect(dig.status == "NOERROR", "\(dig.raw)")
        #expect(peak <= baseline + 64 + 4, "open files \(baseline) → \(peak) with probes bounded at 64 in flight")

        // `peer H down: CAUSE` / `peer H up`, by host.
        var transitions: [String: [String]] = [:]
        for line in daemon.log.split(separator: "\n") {
            guard let range = line.range(of: "peer p") else { continue }
            let text = line[range.lowerBound...].dropFirst("peer ".count)
            let host = String(text.prefix { $0 != " " })
            transitions[host, default: []].append(String(text.dropFirst(host.count + 1)))
        }
        var wrong: [String] = []
        for index in 0..<Self.peerCount {
            let behaviour = Self.behaviours[Self.endpoint(index).behaviour]
            let host = Self.host(index) + "."
            let expected = behaviour.cause.map { "down: \($0)" } ?? "up"
            let seen = transitions[host] ?? []
            if seen != [expected] { wrong.append("\(behaviour.name) \(host) expected [\(expected)], logged \(seen)") }
        }
        #expect(wrong.isEmpty, "\(wrong.count) peers without their verdict, e.g. \(wrong.prefix(5))")

        // Every probe of the thousand peers is abandoned by this reload, mid-connect, mid-read
        // or waiting for a slot: the descriptors must come back to the baseline exactly.
        #expect(try daemon.reload(Self.corefile(peers: 0)))
        var after = daemon.openFiles
        for _ in 0..<30 where after != baseline {
            usleep(100_000)
            after = daemon.openFiles
        }
        #expect(after == baseline, "open files \(baseline) before the misbehaving peers, \(after) after")
        #expect(daemon.isRunning)
        #expect(daemon.stop() == 0)
        withExtendedLifetime(peers) {}
    }
}

/// `Tests/Fixtures/misbehaving_peers.py` with a plan, killed (SIGKILL) when dropped.
final class MisbehavingPeers {
    private let process = Process()
    private let planFile: URL

    init(plan: String) throws {
        planFile = FileManager.default.temporaryDirectory.appendingPathComponent("zr-plan-\(UUID().uuidString)")
        try plan.write(to: planFile, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", DaemonProcess.packageRoot.appendingPathComponent("Tests/Fixtures/misbehaving_peers.py").path,
                             "--plan", planFile.path, "--late", "1.5"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        while !text.contains("ready") {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { throw PeerProcess.PeerError.didNotStart("misbehaving peers") }
            text += String(decoding: data, as: UTF8.self)
        }
    }

    deinit {
        // SIGKILL: Foundation starts children with signals blocked, so SIGTERM may never land.
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: planFile)
    }
}
