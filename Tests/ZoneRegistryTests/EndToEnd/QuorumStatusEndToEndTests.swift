import Foundation
import Testing

/// What an operator sees of the masters' vote (SPEC §9, §11): two masters on 127.0.0.73-74
/// port 53 with `quorum` and `control` (on 127.0.22.73-74), three peers on 127.0.22.1-3. p1's
/// endpoint fails master 1's probes only, p3 has no endpoint at all. Master 1 is asked with
/// curl, `zoneregistry ctl` and headless Chromium why p1 is still answered and p3 is not.
@Suite(.serialized) final class QuorumStatusEndToEndTests {
    static let masters = ["127.0.0.73", "127.0.0.74"]
    static let controls = ["127.0.22.73", "127.0.22.74"]
    static let ns1 = "ns1.service.example.net.", ns2 = "ns2.service.example.net."
    static let p1 = "p1.service.example.net.", p3 = "p3.service.example.net."

    let directory: URL
    let peers: [PeerProcess]
    var daemons: [DaemonProcess?]

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("zr-votes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let token = directory.appendingPathComponent("control.token")
        try "\(ControlSession.token)\n".write(to: token, atomically: true, encoding: .utf8)
        peers = [try PeerProcess(script: "peer.py", address: "127.0.22.1", port: 8080, arguments: ["--unhealthy-for", Self.masters[0]]),
                 try PeerProcess(address: "127.0.22.2")]
        daemons = try (0..<2).map { try DaemonProcess(corefile: Self.corefile(master: $0, token: token.path)) }
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    static func corefile(master index: Int, token: String) -> String {
        QuorumEndToEndTests.corefile(masters: masters, peers: ["127.0.22.1", "127.0.22.2", "127.0.22.3"], master: index,
                                     extra: "control \(controls[index]):PORT {\n        token_file \(token)\n    }")
    }

    private var control: String { "http://\(Self.controls[0]):\(daemons[0]!.port)" }

    private func json(_ path: String) throws -> [String: Any] {
        let body = try Curl.get(control + path).body
        return try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] ?? [:]
    }

    /// `/status`'s first zone, and its peers by host.
    private func status(_ object: [String: Any]) -> (zone: [String: Any], peers: [String: [String: Any]]) {
        let zone = (object["zones"] as? [[String: Any]])?.first ?? [:]
        let peers = zone["peers"] as? [[String: Any]] ?? []
        return (zone, Dictionary(uniqueKeysWithValues: peers.map { ($0["peer"] as? String ?? "", $0) }))
    }

    private func ctl(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        try CommandLineEndToEndTests.run(["ctl"] + arguments + ["--control", control])
    }

    @Test func statusExplainAndThePageShowTheVotesAndTheVotedState() throws {
        #expect(daemons[0]!.waitForLog("peer \(Self.p1) down"))
        #expect(daemons[0]!.waitForLog("fellow master \(Self.ns2) fresh"))
        // Master 2's view reaches master 1 within an interval or two of its own verdicts.
        #expect(try eventually(timeout: 3) {
            let peers = status(try json("/status")).peers
            return (peers[Self.p1]?["votes"] as? [String: Any])?["up"] as? Int == 1
                && (peers[Self.p3]?["votes"] as? [String: Any])?["down"] as? Int == 2
        })

        // ctl status --json is the server's /status: p1 answered by the vote against master 1's own probe.
        let reply = try ctl(["status", "--json"])
        #expect(reply.status == 0, "\(reply.errors)")
        let (zone, byHost) = status(try JSONSerialization.jsonObject(with: Data(reply.output.utf8)) as? [String: Any] ?? [:])
        let quorum = zone["quorum"] as? [String: Any]
        #expect(quorum?["master"] as? String == Self.ns1 && quorum?["fresh"] as? Int == 2 && quorum?["alone"] as? Bool == false)
        let p1 = byHost[Self.p1] ?? [:]
        #expect(p1["state"] as? String == "up" && p1["ownHealth"] as? String == "down" && p1["answered"] as? Bool == true)
        #expect((p1["votes"] as? [String: Any])?["by"] as? [String: String] == [Self.ns1: "down", Self.ns2: "up"])
        let p3 = byHost[Self.p3] ?? [:]
        #expect(p3["state"] as? String == "down" && p3["ownHealth"] as? String == "down" && p3["cause"] as? String == "connect refused")
        #expect((p3["votes"] as? [String: Any])?["by"] as? [String: String] == [Self.ns1: "down", Self.ns2: "down"])

        let table = try ctl(["status"])
        #expect(table.output.contains("quorum 2 of 2 masters fresh (this master \(Self.ns1))"), "\(table.output)")
        #expect(table.output.contains("VOTES") && table.output.contains("1/2 up (self down)"), "\(table.output)")

        let explain = try json("/explain?name=app.service.example.net")
        let answering = Dictionary(uniqueKeysWithValues: (explain["answering"] as? [[String: Any]] ?? []).map {
            ($0["peer"] as? String ?? "", $0["why"] as? String ?? "")
        })
        let why = answering[Self.p1] ?? ""
        #expect(why.hasPrefix("up by vote although this master's probe says down: status 503")
            && why.hasSuffix("; 1 of 2 masters see it up (this master: down, \(Self.ns2): up)"), "\(why)")
        let leftOut = (explain["leftOut"] as? [[String: Any]] ?? []).first { $0["peer"] as? String == Self.p3 }
        #expect(leftOut?["detail"] as? String == "connect refused; 0 of 2 masters see it up (this master: down, \(Self.ns2): down)")

        if FileManager.default.isExecutableFile(atPath: StatusPageEndToEndTests.chromium) {
            let dom = try StatusPageEndToEndTests.chromium(control + "/")
            #expect(StatusPageEndToEndTests.states(dom)[Self.p1] == "up")
            #expect(dom.contains(#"data-master="\#(Self.ns1)" data-vote="down">this master: down</span>"#))
            #expect(dom.contains(#"data-master="\#(Self.ns2)" data-vote="up">\#(Self.ns2): up</span>"#))
            #expect(dom.contains("quorum: 2 of 2 masters fresh"))
        }

        // Master 2 goes away: master 1 answers from its own probes, and every view says so.
        daemons[1]?.stop()
        daemons[1] = nil
        #expect(daemons[0]!.waitForLog("quorum lost for service.example.net.", timeout: 4))
        let (aloneZone, alonePeers) = status(try json("/status"))
        let alone = aloneZone["quorum"] as? [String: Any]
        #expect(alone?["alone"] as? Bool == true && alone?["stale"] as? Int == 1)
        #expect(alonePeers[Self.p1]?["state"] as? String == "down" && (alonePeers[Self.p1]?["cause"] as? String)?.hasPrefix("status 503") == true)
        #expect((alonePeers[Self.p1]?["votes"] as? [String: Any])?["by"] as? [String: String] == [Self.ns1: "down", Self.ns2: "stale"])
        let out = (try json("/explain?name=app.service.example.net")["leftOut"] as? [[String: Any]] ?? [])
            .first { $0["peer"] as? String == Self.p1 }
        let detail = out?["detail"] as? String ?? ""
        #expect(detail.hasPrefix("status 503") && detail.hasSuffix("; this master decides alone, no fellow master votes (\(Self.ns2): stale)"),
                "\(detail)")
        #expect(try ctl(["status"]).output.contains("ALONE: answering from this master's own probes"))
        _ = peers
    }
}
