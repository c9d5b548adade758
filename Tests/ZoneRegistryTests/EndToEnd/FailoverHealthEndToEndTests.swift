import Foundation
import Testing

/// Issue 3 as an operator sees it: three real health endpoints (two primaries, one
/// secondary) on 127.0.3.11–13, the real daemon probing them every second, `dig` watching
/// the answers follow as clusters die and come back (SPEC §4 selection, §5 probing).
@Suite(.serialized) struct FailoverHealthEndToEndTests {
    static let prod1 = "127.0.3.11"
    static let prod2 = "127.0.3.12"
    static let dev1 = "127.0.3.13"
    /// How long a change may take to show: a probe every `interval 1`, each bounded by
    /// `timeout 500ms`, plus 1.5 s for a busy two-core machine running other suites.
    static let detection = 1.0 + 0.5 + 1.5

    struct Peers {
        let prod1: PeerProcess
        let prod2: PeerProcess
        let dev1: PeerProcess
    }

    /// The three clusters' health endpoints; prod1's can be made sick from the start.
    static func startPeers(prod1Status: Int = 200, prod1Delay: Double = 0) throws -> Peers {
        Peers(prod1: try PeerProcess(address: prod1, status: prod1Status, delay: prod1Delay),
              prod2: try PeerProcess(address: prod2),
              dev1: try PeerProcess(address: dev1))
    }

    static func corefile(mode: String = "address", options: String = "") -> String {
        """
        example.test:PORT {
            bind 127.0.0.1
            zoneregistry {
                interval 1
                timeout 500ms
                ttl 1
                mode \(mode)
        \(options)
                peer prod1.example.test {
                    role primary
                    ipv4 \(prod1)
                    protocol http
                }
                peer prod2.example.test {
                    role primary
                    ipv4 \(prod2)
                    protocol http
                }
                peer dev1.example.test {
                    role secondary
                    ipv4 \(dev1)
                    protocol http
                }
            }
        }
        """
    }

    static let hosts = ["prod1.example.test.", "prod2.example.test.", "dev1.example.test."]

    /// Every peer has a verdict from its first round (the log names each one up or down).
    static func waitForFirstRound(_ daemon: DaemonProcess) -> Bool {
        eventually(timeout: detection) {
            let log = daemon.stderrText
            return hosts.allSatisfy { log.contains("peer \($0) up") || log.contains("peer \($0) down") }
        }
    }

    /// `dig app.example.test A`: the addresses an address-mode client is sent to.
    static func addresses(_ daemon: DaemonProcess) throws -> Set<String> {
        Set(try Dig.query("app.example.test", "A", port: daemon.port).answer.map(\.data))
    }

    /// Polls `dig` until the answer is `expected`, at most `detection` seconds.
    static func answers(_ daemon: DaemonProcess, become expected: Set<String>) throws -> Bool {
        try eventually(timeout: detection) { try addresses(daemon) == expected }
    }

    /// The cause a stopped peer is logged with: refused, or reset when the kill caught a probe
    /// in the middle of its request (likely under valgrind, where the daemon runs slowly).
    static func loggedDown(_ daemon: DaemonProcess, _ host: String) -> Bool {
        let log = daemon.stderrText
        return log.contains("peer \(host) down: connect refused") || log.contains("peer \(host) down: connection reset")
    }

    @Test func answersLeaveDeadPrimariesThenFallBackToTheSecondaryThenFailOpen() throws {
        let peers = try Self.startPeers()
        let daemon = try DaemonProcess(corefile: Self.corefile())
        #expect(Self.waitForFirstRound(daemon))
        #expect(try Self.addresses(daemon) == [Self.prod1, Self.prod2])

        peers.prod1.stop()
        #expect(try Self.answers(daemon, become: [Self.prod2]))
        #expect(Self.loggedDown(daemon, "prod1.example.test."))

        peers.prod2.stop()
        #expect(try Self.answers(daemon, become: [Self.dev1]), "no healthy primary: the secondary is served")

        peers.dev1.stop()
        #expect(try Self.answers(daemon, become: [Self.prod1, Self.prod2, Self.dev1]), "nobody healthy: fail open to every peer")
        #expect(Self.loggedDown(daemon, "dev1.example.test."))
    }

    @Test func referralsLeaveADeadPrimaryInDelegateMode() throws {
        let peers = try Self.startPeers()
        let daemon = try DaemonProcess(corefile: Self.corefile(mode: "delegate"))
        #expect(Self.waitForFirstRound(daemon))
        func referral() throws -> (ns: Set<String>, glue: Set<String>) {
            let answer = try Dig.query("www.app.example.test", "A", port: daemon.port)
            return (Set(answer.authority.map(\.data)), Set(answer.additional.map(\.data)))
        }
        #expect(try referral().ns == ["prod1.example.test.", "prod2.example.test."])

        peers.prod1.stop()
        #expect(try eventually(timeout: Self.detection) { try referral().ns == ["prod2.example.test."] })
        #expect(try referral().glue == [Self.prod2])

        peers.prod2.stop()
        #expect(try eventually(timeout: Self.detection) { try referral() == (["dev1.example.test."], [Self.dev1]) })
    }

    @Test func withFailOpenOffNoHealthyPeerIsSERVFAILUntilOneRecovers() throws {
        let peers = try Self.startPeers()
        let daemon = try DaemonProcess(corefile: Self.corefile(options: "        fail_open off"))
        #expect(Self.waitForFirstRound(daemon))
        [peers.prod1, peers.prod2, peers.dev1].forEach { $0.stop() }
        #expect(try eventually(timeout: Self.detection) {
            try Dig.query("app.example.test", "A", port: daemon.port).status == "SERVFAIL"
        })
        #expect(try Dig.query("example.test", "SOA", port: daemon.port).status == "NOERROR", "the apex still answers")

        try peers.dev1.start()
        #expect(try Self.answers(daemon, become: [Self.dev1]))
    }

    @Test func aRestartedPrimaryReturnsOnlyAfterRisePassingRounds() throws {
        let peers = try Self.startPeers()
        // `debug` logs every probe's verdict, so the test can tell the rounds apart.
        let daemon = try DaemonProcess(corefile: Self.corefile(options: "        rise 2\n        debug"))
        #expect(Self.waitForFirstRound(daemon))
        peers.prod1.stop()
        #expect(try Self.answers(daemon, become: [Self.prod2]))

        let pass = "peer prod1.example.test. probe: pass"
        #expect(daemon.logCount(pass) == 1, "one pass before the restart: the first round")
        try peers.prod1.start()
        #expect(eventually(timeout: Self.detection, every: 0.02) { daemon.logCount(pass) == 2 })
        #expect(try Self.addresses(daemon) == [Self.prod2], "one passing round is not enough with rise 2")
        #expect(daemon.logCount("peer prod1.example.test. up") == 1, "only the first round's verdict so far")

        #expect(try Self.answers(daemon, become: [Self.prod1, Self.prod2]))
        #expect(daemon.logCount(pass) >= 3, "back only after the second passing round")
        #expect(daemon.logCount("peer prod1.example.test. up") == 2, "up after the first round, and again after rise")
    }

    @Test func aHealthEndpointAnswering503CountsAsDown() throws {
        let peers = try Self.startPeers(prod1Status: 503)
        let daemon = try DaemonProcess(corefile: Self.corefile())
        #expect(Self.waitForFirstRound(daemon))
        #expect(daemon.stderrText.contains("peer prod1.example.test. down: status 503"))
        #expect(try Self.answers(daemon, become: [Self.prod2]))
        withExtendedLifetime(peers) {}
    }

    @Test func aHealthEndpointSlowerThanTheTimeoutCountsAsDown() throws {
        let peers = try Self.startPeers(prod1Delay: 2)
        let daemon = try DaemonProcess(corefile: Self.corefile())
        #expect(Self.waitForFirstRound(daemon))
        #expect(daemon.stderrText.contains("peer prod1.example.test. down: timeout after 500ms"))
        #expect(try Self.answers(daemon, become: [Self.prod2]))
        withExtendedLifetime(peers) {}
    }
}
