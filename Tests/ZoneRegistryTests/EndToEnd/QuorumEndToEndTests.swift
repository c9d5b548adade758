import Foundation
import Testing

/// SPEC §9 as an operator runs it: three masters on 127.0.0.61-63 port 53 (glue carries no
/// port, so masters share one), three peers with HTTP health endpoints on 127.0.12.1-3, the
/// verdict exchange every 500 ms, TSIG-signed. Each step waits at most what the rule allows.
@Suite(.serialized) final class QuorumEndToEndTests {
    static let secret = "c2VjcmV0LXNoYXJlZC1ieS10aGUtbWFzdGVycw=="
    static let key = "masters.service.example.net."
    static let masters = ["127.0.0.61", "127.0.0.62", "127.0.0.63"]
    /// interval 500 ms, timeout 300 ms: "drops everywhere within 2 × interval + timeout", plus
    /// one interval of slack for the probe schedule's spread and the test's polling.
    static let dropWithin = 2 * 0.5 + 0.3 + 0.5

    static func corefile(master index: Int) -> String {
        corefile(masters: masters, peers: ["127.0.12.1", "127.0.12.2", "127.0.12.3"], master: index,
                 extra: "prometheus \(masters[index]):9153")
    }

    /// The Corefile every master shares, as master `index` runs it (its `bind` and
    /// `probe_source`): masters `ns1...`, peers `p1...` with an HTTP health endpoint each, the
    /// exchange every 500 ms; `extra` goes into the server block.
    static func corefile(masters: [String], peers: [String], master index: Int, extra: String) -> String {
        let nameServers = masters.enumerated().map { "ns ns\($0 + 1).service.example.net \($1)" }
        let peerBlocks = peers.enumerated().map { "peer p\($0 + 1).service.example.net {\n            ipv4 \($1)\n        }" }
        return """
        service.example.net:53 {
            bind \(masters[index])
            tsig {
                secret \(key) \(secret)
            }
            \(extra)
            zoneregistry {
                interval 500ms
                timeout 300ms
                mode address
                \(nameServers.joined(separator: "\n        "))
                quorum \(key)
                probe_source \(masters[index])
                \(peerBlocks.joined(separator: "\n        "))
            }
        }
        """
    }

    let peers: [PeerProcess]
    var daemons: [DaemonProcess?]

    init() throws {
        // p1's endpoint answers 503 to master 1's probes only: master 1 lost its own path to it.
        peers = [try PeerProcess(script: "peer.py", address: "127.0.12.1", port: 8080, arguments: ["--unhealthy-for", "127.0.0.61"]),
                 try PeerProcess(address: "127.0.12.2"), try PeerProcess(address: "127.0.12.3")]
        daemons = try (0..<3).map { try DaemonProcess(corefile: Self.corefile(master: $0)) }
    }

    private func addresses(at master: Int) throws -> [String] {
        try Dig.query("app.service.example.net", port: 53, server: Self.masters[master]).answer.map(\.data).sorted()
    }

    private func serial(at master: Int) throws -> String? {
        try Dig.query("service.example.net", "SOA", port: 53, server: Self.masters[master]).answer.first?
            .data.split(separator: " ").dropFirst(2).first.map(String.init)
    }

    private func allAgree(_ live: [Int], on expected: [String]) throws -> Bool {
        try live.allSatisfy { try addresses(at: $0) == expected }
    }

    private func sameSerial(_ live: [Int]) throws -> Bool {
        let serials = try live.map { try serial(at: $0) }
        return serials.first != nil && Set(serials).count == 1
    }

    @Test func mastersAgreeThroughAPartitionAFailureAndLosingTheirFellows() throws {
        let all = ["127.0.12.1", "127.0.12.2", "127.0.12.3"]
        // Master 1 probes p1 down, yet 2 of 3 views see it up: it stays in every master's answer.
        #expect(daemons[0]!.waitForLog("peer p1.service.example.net. down"))
        #expect(try eventually(timeout: 3) { try allAgree([0, 1, 2], on: all) })
        #expect(daemons[0]!.logCount("fellow master ns2.service.example.net. fresh") == 1)
        let votes = try MetricsScrape.scrape("127.0.0.61:9153")
        #expect(votes.sum("coredns_zoneregistry_peer_votes", ["peer": "p1.service.example.net.", "vote": "up"]) == 2)
        #expect(votes.sum("coredns_zoneregistry_peer_votes", ["peer": "p1.service.example.net.", "vote": "down"]) == 1)
        #expect(votes.sum("coredns_zoneregistry_quorum_masters", ["state": "fresh"]) == 3)
        #expect(try eventually(timeout: 2) { try sameSerial([0, 1, 2]) })

        // p1 dies: every master drops it within 2 × interval + timeout.
        peers[0].stop()
        var agreed = false
        let dropped = try measure {
            agreed = try eventually(timeout: Self.dropWithin, every: 0.05) { try allAgree([0, 1, 2], on: Array(all.dropFirst())) }
        }
        #expect(agreed && dropped <= DaemonLaunch.scaled(Self.dropWithin), "p1 still answered after \(dropped) s")
        #expect(try eventually(timeout: 2) { try sameSerial([0, 1, 2]) }, "SOA serials differ after the failover settled")

        // Master 3 goes away: 1 and 2 still agree, and say it is stale.
        daemons[2]?.stop()
        daemons[2] = nil
        #expect(daemons[0]!.waitForLog("fellow master ns3.service.example.net. stale", timeout: 4))
        #expect(try allAgree([0, 1], on: Array(all.dropFirst())))
        #expect(try eventually(timeout: 2) { try sameSerial([0, 1]) })

        // Master 2 too: master 1 is alone, answers from its own view, and says so.
        daemons[1]?.stop()
        daemons[1] = nil
        #expect(daemons[0]!.waitForLog("quorum lost for service.example.net.: every fellow master is stale", timeout: 4))
        let alone = try MetricsScrape.scrape("127.0.0.61:9153")
        #expect(alone.sum("coredns_zoneregistry_quorum_masters", ["state": "fresh"]) == 1)
        #expect(alone.sum("coredns_zoneregistry_quorum_masters", ["state": "stale"]) == 2)
        #expect(try Promtool.checkMetrics(alone.text).status == 0)
        #expect(try addresses(at: 0) == Array(all.dropFirst()))
    }

    @Test func theViewIsForSignedFellowsOnly() throws {
        #expect(daemons[0]!.waitForLog("fellow master ns2.service.example.net. fresh"))
        let signed = try Dig.query("_zoneregistry.service.example.net", "TXT", port: 53, server: "127.0.0.61",
                                   options: ["-y", "hmac-sha256:\(Self.key):\(Self.secret)"])
        #expect(signed.status == "NOERROR" && !signed.raw.contains("Couldn't verify"))
        let strings = signed.answer.map(\.data).joined(separator: " ")
        for peer in ["p1", "p2", "p3"] { #expect(strings.contains("\"\(peer).service.example.net. ")) }
        #expect(strings.contains("\"p1.service.example.net. down round="))
        #expect(strings.contains("\"serial "))
        let unsigned = try Dig.query("_zoneregistry.service.example.net", "TXT", port: 53, server: "127.0.0.61")
        #expect(unsigned.status == "REFUSED")
        let forged = try Dig.query("_zoneregistry.service.example.net", "TXT", port: 53, server: "127.0.0.61",
                                   options: ["-y", "hmac-sha256:\(Self.key):b3RoZXItc2VjcmV0LW9mLXRoZS1zYW1lLW5hbWU="])
        #expect(forged.status == "NOTAUTH" && forged.raw.contains("BADSIG"))
        let overTCP = try Dig.query("_zoneregistry.service.example.net", "TXT", port: 53, server: "127.0.0.62",
                                    options: ["+tcp", "-y", "hmac-sha256:\(Self.key):\(Self.secret)"])
        #expect(overTCP.status == "NOERROR" && overTCP.answer.count == 1)
    }
}
