import Foundation
import Testing

/// SPEC §11 with `quorum`, as an operator drains through one master and expects every master
/// to follow within one interval: two masters on 127.0.0.71-72 port 53, each with its own
/// control API (127.0.21.71-72) and state file, the exchange every second, two healthy peers on
/// 127.0.21.1-2. Each step waits at most interval + 2 s.
@Suite(.serialized) final class QuorumOverrideEndToEndTests {
    static let masters = ["127.0.0.71", "127.0.0.72"]
    static let controls = ["127.0.21.71", "127.0.21.72"]
    static let p1 = "127.0.21.1", p2 = "127.0.21.2"
    static let within = DaemonLaunch.scaled(1 + 2)

    let directory: URL
    let token: URL
    let peers: [PeerProcess]
    var daemons: [DaemonProcess?]

    init() throws {
        (directory, token) = try ControlSession.tokenDirectory("zr-quorum-overrides")
        peers = [try PeerProcess(address: Self.p1), try PeerProcess(address: Self.p2)]
        daemons = [nil, nil]
        for index in 0..<2 { try start(index) }
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// Master `index` with its control API and state file, or without `control` at all.
    private func start(_ index: Int, control: Bool = true) throws {
        let state = directory.appendingPathComponent("overrides-\(index + 1).json").path
        let corefile = QuorumEndToEndTests.corefile(
            masters: Self.masters, peers: [Self.p1, Self.p2], master: index,
            extra: control ? "control \(Self.controls[index]):PORT {\n        token_file \(token.path)\n        state_file \(state)\n    }" : "",
            interval: "1s")
        daemons[index] = try DaemonProcess(corefile: corefile)
    }

    private func addresses(at master: Int) throws -> [String] {
        try Dig.query("app.service.example.net", port: 53, server: Self.masters[master]).answer.map(\.data).sorted()
    }

    private func both(answer expected: [String], within timeout: Double = QuorumOverrideEndToEndTests.within) throws -> Bool {
        try eventually(timeout: timeout) { try addresses(at: 0) == expected && addresses(at: 1) == expected }
    }

    @discardableResult
    private func ctl(_ master: Int, _ arguments: [String]) throws -> String {
        let result = try CommandLineEndToEndTests.run(["ctl"] + arguments + [
            "--control", "http://\(Self.controls[master]):\(daemons[master]!.port)", "--token-file", token.path,
        ])
        #expect(result.status == 0, "ctl \(arguments.joined(separator: " ")): \(result.errors)")
        return result.output
    }

    @Test func aDrainOnOneMasterReachesEveryMasterAndSurvivesARestart() throws {
        let both = [Self.p1, Self.p2]
        #expect(try self.both(answer: both, within: DaemonLaunch.scaled(5)))

        // Drained on master 1: master 2 follows within an interval, and says where it came from.
        try ctl(0, ["drain", "p1", "--reason", "maint window"])
        #expect(try self.both(answer: [Self.p2]), "p1 still answered by a master")
        #expect(daemons[1]!.waitForLog("override drain of p1.service.example.net. adopted from fellow master ns1.service.example.net.: set by "))
        #expect(daemons[1]!.logText.contains(": maint window"))

        // Undrained on master 2: master 1 follows.
        try ctl(1, ["undrain", "p1"])
        #expect(try self.both(answer: both), "p1 not back on every master")
        #expect(daemons[0]!.waitForLog("override auto of p1.service.example.net. adopted from fellow master ns2.service.example.net."))

        // A drain for 3 s ends by itself on both, at the same absolute time.
        try ctl(0, ["drain", "p2", "--for", "3s"])
        #expect(try self.both(answer: [Self.p1]), "p2 still answered by a master")
        #expect(try self.both(answer: both, within: DaemonLaunch.scaled(3 + 2)), "p2 did not come back everywhere")
        #expect(daemons[1]!.waitForLog("override drain of p2.service.example.net. expired"))

        // Master 2 restarts: it missed an undrain and a drain meanwhile; its own file's older drain
        // does not come back, and what it missed reaches it.
        try ctl(0, ["drain", "p1"])
        #expect(try self.both(answer: [Self.p2]))
        daemons[1]?.stop()
        try ctl(0, ["undrain", "p1"])
        try ctl(0, ["drain", "p2", "--reason", "while ns2 was away"])
        try start(1)
        #expect(try self.both(answer: [Self.p1]), "master 2 did not catch up after its restart")
        #expect(daemons[1]!.waitForLog("override drain of p2.service.example.net. adopted from fellow master ns1.service.example.net."))

        // Alone, master 2 keeps what it adopted: it is in its state file.
        daemons[0]?.stop()
        daemons[0] = nil
        daemons[1]?.stop()
        try start(1)
        #expect(try addresses(at: 1) == [Self.p1])
        _ = peers
    }

    @Test func aMasterWithoutAControlAPIFollowsTheOthers() throws {
        daemons[1]?.stop()
        try start(1, control: false)
        #expect(try both(answer: [Self.p1, Self.p2], within: DaemonLaunch.scaled(5)))
        try ctl(0, ["drain", "p2", "--for", "1h", "--reason", "rack move"])
        #expect(try both(answer: [Self.p1]), "master 2 without control still answers p2")
        #expect(daemons[1]!.waitForLog("override drain of p2.service.example.net. adopted from fellow master ns1.service.example.net.: set by "))
        #expect(daemons[1]!.logText.contains(": rack move"))
        try ctl(0, ["undrain", "p2"])
        #expect(try both(answer: [Self.p1, Self.p2]))
    }
}
