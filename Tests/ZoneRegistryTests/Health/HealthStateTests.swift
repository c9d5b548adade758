import Testing
@testable import ZoneRegistry

@Suite struct HealthStateTests {
    /// Feeds rounds (true = pass) and returns the state after each.
    private func states(rise: Int, fall: Int, _ rounds: [Bool]) -> [PeerHealth] {
        var state = HealthState(rise: rise, fall: fall)
        return rounds.map { pass in
            _ = state.record(pass ? .pass : .refused)
            return state.health
        }
    }

    @Test func peerIsUnknownUntilItsFirstRound() {
        #expect(HealthState(rise: 3, fall: 3).health == .unknown)
    }

    @Test func firstRoundDecidesAtOnceWhateverRiseAndFall() {
        #expect(states(rise: 3, fall: 3, [true]) == [.up])
        #expect(states(rise: 3, fall: 3, [false]) == [.down])
    }

    @Test(arguments: [
        // rise, fall, rounds, states after each round
        (1, 1, [true, false, true, false], [PeerHealth.up, .down, .up, .down]),
        (1, 2, [true, false, false, true], [.up, .up, .down, .up]),
        (2, 1, [false, true, true, false], [.down, .down, .up, .down]),
        (3, 2, [true, false, true, false, false], [.up, .up, .up, .up, .down]),
        (2, 3, [false, true, false, true, true], [.down, .down, .down, .down, .up]),
        (2, 2, [true, false, true, true, false, false, true], [.up, .up, .up, .up, .up, .down, .down]),
    ])
    func riseAndFallNeedConsecutiveRounds(rise: Int, fall: Int, rounds: [Bool], expected: [PeerHealth]) {
        #expect(states(rise: rise, fall: fall, rounds) == expected)
    }

    @Test func transitionReportsTheFailureThatCompletedTheFall() {
        var state = HealthState(rise: 1, fall: 2)
        let verdicts: [ProbeVerdict] = [.pass, .timeout(milliseconds: 2000), .refused, .status(503), .pass]
        let transitions = verdicts.map { state.record($0) }
        #expect(transitions == [
            HealthTransition(from: .unknown, to: .up, cause: nil),
            nil,
            HealthTransition(from: .up, to: .down, cause: .refused),
            nil,
            HealthTransition(from: .down, to: .up, cause: nil),
        ])
    }

    @Test func logLineNamesPeerStateAndCause() throws {
        let peer = try DomainName(parsing: "prod1.service.example.net")
        #expect(HealthTransition(from: .up, to: .down, cause: .refused).logLine(peer: peer)
            == "peer prod1.service.example.net. down: connect refused")
        #expect(HealthTransition(from: .down, to: .up, cause: nil).logLine(peer: peer)
            == "peer prod1.service.example.net. up")
    }

    @Test func onlyChangesInAndOutOfDownChangeAnswers() {
        #expect(!HealthTransition(from: .unknown, to: .up, cause: nil).changesHealthySet)
        #expect(HealthTransition(from: .unknown, to: .down, cause: .refused).changesHealthySet)
        #expect(HealthTransition(from: .up, to: .down, cause: .refused).changesHealthySet)
        #expect(HealthTransition(from: .down, to: .up, cause: nil).changesHealthySet)
    }

    @Test func riseAndFallBelowOneActAsOne() {
        #expect(states(rise: 0, fall: -1, [true, false, true]) == [.up, .down, .up])
    }
}

@Suite struct HealthStateReloadTests {
    @Test func aReloadThatChangesRiseKeepsTheVerdictReached() {
        var state = HealthState(rise: 1, fall: 1)
        _ = state.record(.refused)
        var reloaded = HealthState(rise: 2, fall: 1, health: state.health)
        #expect(reloaded.health == .down)
        #expect(reloaded.record(.pass) == nil)
        #expect(reloaded.record(.pass)?.to == .up)
    }
}
