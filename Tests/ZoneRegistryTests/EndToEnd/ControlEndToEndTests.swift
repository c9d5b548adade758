import Foundation
import Testing

/// Issue 14 as an operator sees it: `zoneregistry ctl` and curl against the control API of
/// the real daemon, dig watching the answers (SPEC §11). Clusters on 127.0.14.11-13, DNS on
/// 127.0.14.3, the control API on 127.0.14.4.
@Suite(.serialized) struct ControlEndToEndTests {
    let session: ControlSession
    let all: Set<String>

    init() throws {
        session = try ControlSession(base: 10)
        all = [session.at.prod1, session.at.prod2]
    }

    @Test func aDrainForThreeSecondsLeavesTheAnswersAtOnceAndEndsByItself() throws {
        let peers = try session.startPeers()
        let daemon = try session.startDaemon()
        #expect(try session.addresses(daemon) == all)
        let serial = try session.serial(daemon)

        let drained = Date()
        let ctl = try session.ctl(daemon, ["drain", "prod1", "--for", "3s", "--reason", "kernel upgrade"])
        #expect(ctl.status == 0, "\(ctl.err)")
        #expect(ctl.out == "prod1.example.test. drain\n")
        #expect(try session.addresses(daemon) == [session.at.prod2], "the very next answer leaves prod1 out")
        #expect(try session.serial(daemon) > serial, "a new SOA serial for the secondaries")
        #expect(daemon.logText.contains("set prod1.example.test. to drain for 3s; reason: kernel upgrade"))

        #expect(try eventually(timeout: 6) { try session.addresses(daemon) == all })
        let back = Date().timeIntervalSince(drained)
        #expect(back >= 2.9, "returned after \(back) s, before its 3 s")
        #expect(daemon.logText.contains("override drain of prod1.example.test. expired"))
        #expect(try session.state(daemon, "prod1.example.test.") == "up")
        _ = peers
    }

    @Test func aDrainSurvivesAReloadAndARestart() throws {
        let peers = try session.startPeers()
        var daemon = try session.startDaemon()
        #expect(try session.ctl(daemon, ["drain", "prod2.example.test", "--reason", "disk swap"]).status == 0)
        #expect(try session.addresses(daemon) == [session.at.prod1])

        #expect(try daemon.reload(session.corefile))
        #expect(try session.addresses(daemon) == [session.at.prod1], "SIGHUP keeps the drain")

        daemon.stop()
        daemon = try session.startDaemon()
        #expect(daemon.logText.contains("loaded 1 override(s) from \(session.stateFile.path)"))
        #expect(try session.addresses(daemon) == [session.at.prod1], "a restart reads it back from the state file")
        #expect(try session.state(daemon, "prod2.example.test.") == "drained")

        let undrain = try session.ctl(daemon, ["undrain", "prod2"])
        #expect(undrain.status == 0 && undrain.out == "prod2.example.test. auto\n")
        #expect(try session.addresses(daemon) == all)
        _ = peers
    }

    @Test func aSelectorDrainOfTheDevClustersDrainsDev1Only() throws {
        let peers = try session.startPeers()
        let daemon = try session.startDaemon()
        let put = try session.request(daemon, "PUT", "/overrides?select=cluster-env=dev",
                                             body: #"{"state":"drain","reason":"dev freeze"}"#)
        #expect(put.status == 200)
        let states = try session.status(daemon).mapValues { $0["state"] as? String ?? "" }
        #expect(states["dev1.example.test."] == "drained")
        #expect(states["prod1.example.test."] == "up" && states["prod2.example.test."] == "up")

        let metrics = try MetricsScrape.scrape("\(session.at.control):\(daemon.port)")
        let series = metrics.series("coredns_zoneregistry_peer_override")
        #expect(series.map(\.labels) == [["zone": "example.test.", "peer": "dev1.example.test.", "state": "drain"]])
        let promtool = try Promtool.checkMetrics(metrics.text)
        #expect(promtool.status == 0, "\(promtool.output)")

        // With both primaries gone, the drained secondary is still not the answer: fail open is.
        peers[0].stop()
        peers[1].stop()
        #expect(try eventually(timeout: 4) { try session.addresses(daemon).count == 3 })
        _ = peers
    }

    @Test func withoutTheTokenTheAPIAnswers401AndNothingChanges() throws {
        let peers = try session.startPeers()
        let daemon = try session.startDaemon()
        let body = #"{"state":"drain"}"#
        let none = try session.request(daemon, "PUT", "/overrides/prod1", body: body, token: nil)
        #expect(none.status == 401)
        #expect(none.headers["www-authenticate"] == #"Bearer realm="zoneregistry""#)
        #expect(none.body.contains("missing or wrong bearer token"))
        let wrong = try session.request(daemon, "PUT", "/overrides/prod1", body: body, token: "e2e-token-0123456789abcdeX")
        #expect(wrong.status == 401)
        #expect(try session.request(daemon, "DELETE", "/overrides/prod1", token: nil).status == 401)

        let ctl = try session.ctl(daemon, ["drain", "prod1"], withToken: false)
        #expect(ctl.status != 0)
        #expect(ctl.err.contains("--token-file is needed"))
        #expect(try session.addresses(daemon) == all)
        #expect(try session.state(daemon, "prod1.example.test.") == "up")
        #expect(!daemon.logText.contains(ControlSession.token), "the token is never logged")
        #expect(daemon.logText.contains("PUT /overrides/prod1 refused: missing or wrong bearer token"))
        _ = peers
    }

    @Test func explainNamesEachLeftOutPeersReason() throws {
        let peers = try session.startPeers()
        let daemon = try session.startDaemon()
        func leftOut() throws -> [String: String] {
            let body = try Curl.get(session.url(daemon, "/explain?name=app.example.test&type=A")).body
            let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
            let list = object?["leftOut"] as? [[String: Any]] ?? []
            return Dictionary(uniqueKeysWithValues: list.map {
                ($0["peer"] as? String ?? "", "\($0["reason"] as? String ?? ""): \($0["detail"] as? String ?? "")")
            })
        }
        let healthy = try leftOut()
        #expect(healthy["dev1.example.test."]?.hasPrefix("secondary: a primary is up") == true)
        #expect(healthy["qa1.example.test."]?.hasPrefix("not selected: labels {cluster-env=qa} do not match select tier=gold") == true)

        peers[1].stop()
        #expect(try eventually(timeout: 4) { try session.addresses(daemon) == [session.at.prod1] })
        #expect(try session.ctl(daemon, ["drain", "prod1", "--reason", "rack move"]).status == 0)
        let reasons = try leftOut()
        #expect(reasons["prod1.example.test."]?.hasPrefix("drained: rack move (by 127.") == true)
        let down = reasons["prod2.example.test."] ?? ""
        #expect(down == "down: connect refused" || down == "down: connection reset", "\(down)")
        #expect(reasons["dev1.example.test."] == nil, "the secondary is the answer now")

        let human = try session.ctl(daemon, ["explain", "app.example.test"])
        #expect(human.status == 0)
        #expect(human.out.contains("app.example.test. 1 IN A \(session.at.dev1)"))
        #expect(human.out.contains("prod1.example.test.  out  drained: rack move"))
        _ = peers
    }

    @Test func badRequestsAre4xxWithAReasonAndChangeNothing() throws {
        let peers = try session.startPeers()
        let daemon = try session.startDaemon()
        let cases: [(String, String?, Int, String)] = [
            ("/overrides/prod1", #"{"state":"drain""#, 400, "malformed JSON"),
            ("/overrides/prod1", #"{"state":"sideways"}"#, 400, #"unknown state \"sideways\""#),
            ("/overrides/prod1", #"{"state":"drain","for":"-30m"}"#, 400, #"duration \"-30m\" must be positive"#),
            ("/overrides/prod1", #"{"state":"drain","for":"9999h"}"#, 400, "is longer than 720h (30 days)"),
            ("/overrides/web1.other.test", #"{"state":"drain"}"#, 404, #"no peer \"web1.other.test\" in any zone"#),
            ("/overrides?select=cluster-env=qa2", #"{"state":"drain"}"#, 404, "no peer carries the labels cluster-env=qa2"),
        ]
        for (path, body, status, reason) in cases {
            let result = try session.request(daemon, "PUT", path, body: body)
            #expect(result.status == status, "\(path) \(body ?? "")")
            #expect(result.body.contains(reason), "\(result.body)")
        }
        let big = session.directory.appendingPathComponent("big.json")
        try Data(repeating: UInt8(ascii: " "), count: 1 << 20).write(to: big)
        let huge = try Curl.run(session.url(daemon, "/overrides/prod1"),
                                options: ["-X", "PUT", "-H", "Authorization: Bearer \(ControlSession.token)", "--data-binary", "@\(big.path)"])
        #expect(huge.status == 413)
        #expect(huge.body.contains("request body of 1048576 bytes is over the limit"))

        #expect(try session.status(daemon).values.allSatisfy { $0["override"] == nil })
        #expect(!FileManager.default.fileExists(atPath: session.stateFile.path), "nothing was ever written")
        #expect(try session.addresses(daemon) == all, "the daemon keeps answering")
        let ctl = try session.ctl(daemon, ["drain", "prod1", "--for", "forever"])
        #expect(ctl.status != 0 && ctl.err.contains(#"400: invalid duration "forever""#))
        _ = peers
    }
}
