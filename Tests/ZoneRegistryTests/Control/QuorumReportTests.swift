import Foundation
import Testing
@testable import ZoneRegistry

/// `/status`, `/explain`, the status page and `ctl status` with `quorum` (SPEC §9, §11): the
/// state shown is the one answers use — the masters' vote — and this master's own probe is
/// shown beside it, so a peer the vote overrules this master on says so.
@Suite struct QuorumReportTests {
    static let prod1 = "prod1.a.test.", prod2 = "prod2.a.test.", dev1 = "dev1.a.test."
    static let ns2 = "ns2.a.test.", ns3 = "ns3.a.test."

    /// This master (ns1) sees prod1 up and prod2 down; ns2 and ns3 see prod1 down and prod2 up;
    /// ns3's view does not name dev1. With `fresh` false both fellows are stale.
    static func standing(fresh: Bool = true) -> QuorumStanding {
        let registry = Registry(config: registryConfig(zones: ["a.test"], mode: .address, peers: [
            peer("prod1.a.test", v4: "192.0.2.1"),
            peer("prod2.a.test", v4: "192.0.2.2"),
            peer("dev1.a.test", .secondary, v4: "192.0.2.3"),
        ], ttl: 30), serial: 1, previous: nil)
        registry.setHealth(.up, ofPeerAt: 0)
        registry.setHealth(.down, ofPeerAt: 1)
        registry.setHealth(.up, ofPeerAt: 2)
        let verdicts = [name(prod1): false, name(prod2): true, name(dev1): true]
        let fellows = [
            QuorumStanding.Fellow(name: name(ns2), fresh: fresh, problem: fresh ? nil : "timeout", verdicts: fresh ? verdicts : [:]),
            QuorumStanding.Fellow(name: name(ns3), fresh: fresh, problem: fresh ? nil : "connect refused",
                                  verdicts: fresh ? verdicts.filter { $0.key != name(dev1) } : [:]),
        ]
        if fresh {
            // What the exchange counts from the same views (fellow votes only).
            var votes = PeerVotes(peerCount: 3)
            votes.up = [0, 2, 1]
            votes.seen = [2, 2, 1]
            registry.setVotes(votes)
        }
        return QuorumStanding(registry: registry, name: name("ns1.a.test"), fellows: fellows)
    }

    static func report(_ standing: QuorumStanding) -> [String: StatusReport.Peer] {
        let report = StatusReport(registries: [standing.registry], monitors: [], overrides: OverrideSet(), quorums: [standing])
        return Dictionary(uniqueKeysWithValues: report.zones[0].peers.map { ($0.peer, $0) })
    }

    static func explain(_ standing: QuorumStanding) throws -> Explanation {
        Explanation(name: try DomainName(parsing: "app.a.test"), type: "A", registries: [standing.registry], monitors: [],
                    overrides: OverrideSet(), quorums: [standing])
    }

    @Test func statusShowsTheVotedStateBesideThisMastersOwnProbe() {
        let peers = Self.report(Self.standing())
        let prod1 = peers[Self.prod1]!, prod2 = peers[Self.prod2]!, dev1 = peers[Self.dev1]!
        #expect(prod1.state == "down" && prod1.health == "down" && prod1.ownHealth == "up" && !prod1.answered)
        #expect(prod1.cause == "down by vote: 1 of 3 masters see it up (this master: up, ns2.a.test.: down, ns3.a.test.: down)")
        #expect(prod1.votes?.up == 1 && prod1.votes?.down == 2)
        #expect(prod1.votes?.by == ["ns1.a.test.": "up", Self.ns2: "down", Self.ns3: "down"])
        #expect(prod2.state == "up" && prod2.ownHealth == "down" && prod2.answered && prod2.cause == nil)
        #expect(prod2.votes?.up == 2 && prod2.votes?.down == 1)
        #expect(dev1.votes?.by[Self.ns3] == "unseen" && dev1.votes?.up == 2 && dev1.votes?.down == 0)
    }

    @Test func statusSaysWhichFellowsAreStaleAndThatThisMasterIsAlone() {
        let standing = Self.standing(fresh: false)
        let report = StatusReport(registries: [standing.registry], monitors: [], overrides: OverrideSet(), quorums: [standing])
        let quorum = report.zones[0].quorum
        #expect(quorum?.master == "ns1.a.test." && quorum?.fresh == 1 && quorum?.stale == 2 && quorum?.alone == true)
        #expect(quorum?.fellows.map(\.state) == ["stale", "stale"])
        #expect(quorum?.fellows.map(\.problem) == ["timeout", "connect refused"])
        let prod2 = report.zones[0].peers[1]
        #expect(prod2.state == "down" && prod2.ownHealth == "down")
        #expect(prod2.votes?.by == ["ns1.a.test.": "down", Self.ns2: "stale", Self.ns3: "stale"])
        #expect(prod2.votes?.up == 0 && prod2.votes?.down == 1)
    }

    @Test func withoutQuorumTheJSONHasNoVotes() throws {
        let registry = ExplanationTests.registry()
        registry.setHealth(.down, ofPeerAt: 1)
        let json = StatusReport(registries: [registry], monitors: [], overrides: OverrideSet()).json()
        let object = try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any]
        let zone = (object?["zones"] as? [[String: Any]])?.first
        let prod2 = (zone?["peers"] as? [[String: Any]])?.first { $0["peer"] as? String == "prod2.a.test." }
        #expect(zone != nil && zone?["quorum"] == nil)
        #expect(prod2?["votes"] == nil && prod2?["state"] as? String == "down" && prod2?["ownHealth"] as? String == "down")
    }

    @Test func explainGivesTheVoteAsTheReason() throws {
        let explanation = try Self.explain(Self.standing())
        #expect(explanation.answer == ["app.a.test. 30 IN A 192.0.2.2"])
        let prod1 = explanation.leftOut.first { $0.peer == Self.prod1 }
        #expect(prod1?.reason == "down")
        #expect(prod1?.detail == "down by vote: 1 of 3 masters see it up (this master: up, ns2.a.test.: down, ns3.a.test.: down)")
        #expect(explanation.answering.map(\.peer) == [Self.prod2])
        #expect(explanation.answering.first?.why == "up by vote although this master's probe says down: failed its probes; "
            + "2 of 3 masters see it up (this master: down, ns2.a.test.: up, ns3.a.test.: up)")
        // dev1 is up, but a primary answers.
        #expect(explanation.leftOut.first { $0.peer == Self.dev1 }?.reason == "secondary")
    }

    @Test func explainSaysWhenThisMasterDecidesAlone() throws {
        let explanation = try Self.explain(Self.standing(fresh: false))
        #expect(explanation.answering.map(\.peer) == [Self.prod1])
        #expect(explanation.answering.first?.why == "up")
        #expect(explanation.leftOut.first { $0.peer == Self.prod2 }?.detail
            == "failed its probes; this master decides alone, no fellow master votes (ns2.a.test.: stale, ns3.a.test.: stale)")
    }

    @Test func thePageShowsTheVotesColumnAndTheQuorumLine() {
        let standing = Self.standing()
        let html = String(decoding: StatusPage.render(StatusReport(registries: [standing.registry], monitors: [],
                                                                   overrides: OverrideSet(), quorums: [standing])), as: UTF8.self)
        #expect(html.contains("<th>Votes</th>"))
        #expect(html.contains(#"<p class="quorum meta" data-fresh="3" data-stale="0">quorum: 3 of 3 masters fresh"#))
        #expect(html.contains(#"<td class="votes">1/3 up<br><span class="vote up" data-master="ns1.a.test." data-vote="up">this master: up</span>"#))
        #expect(html.contains(#"data-master="ns2.a.test." data-vote="down">ns2.a.test.: down</span>"#))
        #expect(html.contains(#"data-peer="prod1.a.test." data-state="down""#))
        #expect(html.contains("not answered<br>own probe: up</span>"))
        let alone = Self.standing(fresh: false)
        let page = String(decoding: StatusPage.render(StatusReport(registries: [alone.registry], monitors: [],
                                                                   overrides: OverrideSet(), quorums: [alone])), as: UTF8.self)
        #expect(page.contains("ns3.a.test. stale (connect refused)") && page.contains("alone: answering from this master's own probes"))
    }

    @Test func ctlStatusHasAVotesColumnNamingTheDissent() throws {
        let standing = Self.standing()
        let json = StatusReport(registries: [standing.registry], monitors: [], overrides: OverrideSet(), quorums: [standing]).json()
        let table = CtlTables.status(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any] ?? [:])
        let lines = table.split(separator: "\n").map(String.init)
        #expect(lines[1] == "quorum 3 of 3 masters fresh (this master ns1.a.test.)")
        #expect(lines[2].contains("VOTES"))
        let prod1 = lines.first { $0.hasPrefix(Self.prod1) } ?? ""
        #expect(prod1.contains("1/3 up (self up)"))
        let dev1 = lines.first { $0.hasPrefix(Self.dev1) } ?? ""
        #expect(dev1.contains("2/2 up (ns3.a.test. unseen)"))
    }
}
