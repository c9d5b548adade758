import Foundation
import Testing
@testable import ZoneRegistry

/// SPEC §9's rule, the view format and RFC 1982 serials, without sockets.
@Suite struct QuorumRuleTests {
    private func registry() -> Registry {
        Registry(config: registryConfig(mode: .address, peers: standardPeers, nameServers: [standardNameServer]),
                 serial: 100, previous: nil)
    }

    /// One fellow vote per peer: `up` of `seen`.
    private func votes(up: [Int], seen: [Int]) -> PeerVotes {
        var votes = PeerVotes(peerCount: up.count)
        votes.up = up
        votes.seen = seen
        return votes
    }

    @Test func aPeerIsUpWhenAtLeastHalfOfTheFreshViewsSeeItUp() {
        let r = registry()
        r.setHealth(.down, ofPeerAt: 0)                      // this master alone sees p1 down
        r.setHealth(.up, ofPeerAt: 1)
        r.setHealth(.up, ofPeerAt: 2)
        #expect(r.effectiveHealth(ofPeerAt: 0) == .down)
        // Two fellows see p1 up: 2 of 3 → up. Both see p2 down: 1 of 3 → down.
        #expect(r.setVotes(votes(up: [2, 0, 1], seen: [2, 2, 1])))
        #expect(r.effectiveHealth(ofPeerAt: 0) == .up && r.effectiveHealth(ofPeerAt: 1) == .down && r.effectiveHealth(ofPeerAt: 2) == .up)
        // One fellow, split 1 against 1: at least half → up.
        r.setVotes(votes(up: [1, 0, 0], seen: [1, 1, 0]))
        #expect(r.effectiveHealth(ofPeerAt: 0) == .up && r.effectiveHealth(ofPeerAt: 1) == .up && r.effectiveHealth(ofPeerAt: 2) == .up)
        // Alone again: the own verdicts stand.
        r.setVotes(nil)
        #expect(r.effectiveHealth(ofPeerAt: 0) == .down && r.effectiveHealth(ofPeerAt: 1) == .up)
        #expect(r.healths == [.down, .up, .up])
    }

    @Test func votesChangingTheHealthySetBumpTheSerialAndAdoptionNeverGoesBack() {
        let r = registry()
        let before = r.serial
        #expect(r.setVotes(votes(up: [0, 0, 0], seen: [2, 0, 0])))           // p1: 1 up of 3
        #expect(r.serial == before &+ 1 && !r.selectedPeers.contains(0))
        #expect(!r.setVotes(votes(up: [0, 0, 0], seen: [2, 0, 0])))
        r.adoptSerial(before)                                                  // behind: kept
        #expect(r.serial == before &+ 1)
        r.adoptSerial(before &+ 50)
        #expect(r.serial == before &+ 50)
        // RFC 1982: 2^31 - 1 ahead is ahead; exactly 2^31 is undefined and never adopted.
        #expect(SerialNumber.isAhead(5, of: 0xffff_fff0))
        #expect(!SerialNumber.isAhead(0x8000_0000, of: 0))
        #expect(SerialNumber.isAhead(0x7fff_ffff, of: 0))
    }

    @Test func viewsRenderAndParseEveryKindAndSkipUnknownOnes() throws {
        let view = MasterView(entries: [
            .serial(1_764_662_400),
            .peer(.init(host: name("prod1.service.example.net"), up: true, round: 12, age: 3)),
            .peer(.init(host: name("prod2.service.example.net"), up: false, round: 4, age: 0)),
            .override(OverrideEntry(host: name("prod2.service.example.net"), record: .set(Override(
                state: .drain, reason: "", setAt: Date(milliseconds: 1_764_662_400_123), expiresAt: nil, setBy: "127.0.0.1:4")))),
        ])
        let strings = view.render()
        #expect(strings.map { String(decoding: $0, as: UTF8.self) } == [
            "serial 1764662400", "prod1.service.example.net. up round=12 age=3",
            "prod2.service.example.net. down round=4 age=0", "override prod2.service.example.net. drain set=1764662400123 by=127.0.0.1:4",
        ])
        #expect(try MasterView.parse(strings) == view)
        let newer = try MasterView.parse(strings + [Array("weights prod1.service.example.net. 3".utf8),
                                                    Array("prod3.service.example.net. up round=1 age=0 rtt=4".utf8)])
        #expect(newer.serial == 1_764_662_400 && newer.verdicts.count == 3)
    }

    @Test(arguments: [
        (["prod1.example.net. up"], "no serial"),
        (["serial 1", "serial 2"], "more than one serial"),
        (["serial x"], #"bad serial string "serial x""#),
        (["serial 1", "prod1.example.net. sideways"], #"bad state in "prod1.example.net. sideways""#),
        (["serial 1", "prod1.example.net. up round=-3"], #"bad number in "prod1.example.net. up round=-3""#),
        (["serial 1", ""], "an empty string"),
    ] as [([String], String)])
    func malformedViewsSayWhy(strings: [String], expected: String) {
        #expect(throws: MasterView.Malformed(description: expected)) {
            try MasterView.parse(strings.map { Array($0.utf8) })
        }
    }
}
