import Testing
@testable import ZoneRegistry

@Suite struct ProbeScheduleTests {
    @Test func probesAreSpreadEvenlyOverTheInterval() {
        let schedule = ProbeSchedule(peerCount: 4, intervalMilliseconds: 5000)
        #expect((0..<4).map(schedule.startOffset(ofPeer:)) == [0, 1250, 2500, 3750])
    }

    @Test func offsetsStayInsideTheIntervalForManyPeers() {
        let schedule = ProbeSchedule(peerCount: 7, intervalMilliseconds: 100)
        let offsets = (0..<7).map(schedule.startOffset(ofPeer:))
        #expect(offsets == offsets.sorted())
        #expect(offsets.first == 0)
        #expect(offsets.allSatisfy { (0..<100).contains($0) })
        #expect(ProbeSchedule(peerCount: 1000, intervalMilliseconds: 100).startOffset(ofPeer: 999) == 99)
    }

    @Test func singlePeerProbesAtTheStartOfEachRound() {
        let schedule = ProbeSchedule(peerCount: 1, intervalMilliseconds: 60_000)
        #expect(schedule.startTime(ofPeer: 0, round: 0) == 0)
        #expect(schedule.startTime(ofPeer: 0, round: 2) == 120_000)
    }

    @Test func laterRoundsRepeatTheOffsets() {
        let schedule = ProbeSchedule(peerCount: 2, intervalMilliseconds: 5000)
        #expect(schedule.startTime(ofPeer: 1, round: 0) == 2500)
        #expect(schedule.startTime(ofPeer: 1, round: 3) == 17_500)
    }
}

@Suite struct ProbeQueueTests {
    @Test func defaultBoundIs64() {
        #expect(ProbeQueue().bound == 64)
    }

    @Test func startsUpToTheBoundThenRefusesToQueue() {
        var queue = ProbeQueue(bound: 2)
        #expect(queue.startIfFree(peer: 0) == .start)
        #expect(queue.startIfFree(peer: 1) == .start)
        #expect(queue.startIfFree(peer: 2) == nil)
        #expect(queue.startIfFree(peer: 3) == nil)
        #expect(queue.inFlight == [0, 1])
    }

    @Test func peerNeverHasTwoProbesInFlight() {
        var queue = ProbeQueue(bound: 2)
        #expect(queue.startIfFree(peer: 0) == .start)
        #expect(queue.startIfFree(peer: 0) == .refused)
        #expect(queue.startIfFree(peer: 1) == .start)
        // Full, yet a peer already in flight learns it is refused, not "ask again later".
        #expect(queue.startIfFree(peer: 1) == .refused)
        #expect(queue.inFlight == [0, 1])
    }

    @Test func finishingFreesTheSlotForAnyPeer() {
        var queue = ProbeQueue(bound: 1)
        #expect(queue.startIfFree(peer: 5) == .start)
        #expect(queue.startIfFree(peer: 7) == nil)
        queue.finish(peer: 5)
        #expect(queue.inFlight.isEmpty)
        #expect(queue.startIfFree(peer: 7) == .start)
        queue.finish(peer: 7)
        #expect(queue.startIfFree(peer: 5) == .start)
    }

    @Test func finishingAPeerNotInFlightChangesNothing() {
        var queue = ProbeQueue(bound: 1)
        #expect(queue.startIfFree(peer: 0) == .start)
        #expect(queue.startIfFree(peer: 1) == nil)
        queue.finish(peer: 1)
        queue.finish(peer: 9)
        #expect(queue.inFlight == [0])
        #expect(queue.startIfFree(peer: 1) == nil)
        queue.finish(peer: 0)
        queue.finish(peer: 0)
        #expect(queue.inFlight.isEmpty)
    }

    @Test func inFlightNeverExceedsTheBoundUnderChurn() {
        var queue = ProbeQueue(bound: 3)
        var running: [Int] = []
        var started = 0
        // Each round offers every peer not running; the oldest running probe finishes.
        for _ in 0..<100 {
            for peer in 0..<10 {
                switch queue.startIfFree(peer: peer) {
                case .start:
                    #expect(!running.contains(peer))
                    running.append(peer)
                    started += 1
                case .refused:
                    #expect(running.contains(peer))
                case nil:
                    #expect(running.count == 3)
                }
                #expect(queue.inFlight.count <= 3)
            }
            queue.finish(peer: running.removeFirst())
        }
        #expect(started == 3 + 99)
        #expect(queue.inFlight == Set(running))
    }
}

@Suite struct ProbeCursorTests {
    /// Walks the cursor tick by tick (1 ms apart) for `ticks`, starting every due peer it offers.
    static func startsPerTick(_ cursor: inout ProbeCursor, ticks: Range<Int>, limit: Int) -> [[Int]] {
        ticks.map { now in
            var started: [Int] = []
            cursor.startDue(at: now, limit: limit) { peer in
                started.append(peer)
                return true
            }
            return started
        }
    }

    @Test func startsArriveInScheduleOrderAndOnlyOnceDue() {
        var cursor = ProbeCursor(schedule: ProbeSchedule(peerCount: 4, intervalMilliseconds: 100))
        #expect(cursor.nextStartTime == 0)
        var started: [Int] = []
        cursor.startDue(at: 49, limit: 32) { started.append($0); return true }
        #expect(started == [0, 1])
        #expect(cursor.nextStartTime == 50)
        cursor.startDue(at: 149, limit: 32) { started.append($0); return true }
        #expect(started == [0, 1, 2, 3, 0, 1])
    }

    @Test func manyPeersAreStartedInSmallEvenBatchesNotOneBurst() {
        var cursor = ProbeCursor(schedule: ProbeSchedule(peerCount: 10_000, intervalMilliseconds: 1_000))
        let batches = Self.startsPerTick(&cursor, ticks: 0..<1_000, limit: 32)
        #expect(batches.allSatisfy { $0.count == 10 })
        #expect(batches.joined().sorted() == Array(0..<10_000))
    }

    @Test func aLateTickStartsNoMoreThanTheLimitAndTheRestFollowNextTicks() {
        var cursor = ProbeCursor(schedule: ProbeSchedule(peerCount: 10_000, intervalMilliseconds: 1_000))
        // The loop was busy for 10 ms: 100 peers are due at once.
        let batches = Self.startsPerTick(&cursor, ticks: 9..<15, limit: 32)
        #expect(batches.map(\.count) == [32, 32, 32, 32, 12, 10])
        #expect(batches.joined().elementsEqual(0..<150))
    }

    @Test func aPeerWithoutAFreeSlotKeepsItsPlace() {
        var cursor = ProbeCursor(schedule: ProbeSchedule(peerCount: 3, intervalMilliseconds: 3))
        var offered: [Int] = []
        cursor.startDue(at: 2, limit: 32) { peer in
            offered.append(peer)
            return peer == 1 ? nil : true
        }
        #expect(offered == [0, 1])
        #expect(cursor.peer == 1)
        let started = cursor.startDue(at: 2, limit: 32) { _ in true }
        #expect(started == 2)
    }

    @Test func skippedRoundsDoNotCountAgainstTheLimit() {
        var cursor = ProbeCursor(schedule: ProbeSchedule(peerCount: 4, intervalMilliseconds: 4))
        let started = cursor.startDue(at: 3, limit: 1) { peer in peer == 3 }
        #expect(started == 1)
        #expect(cursor.round == 1)
    }

    @Test func aWalkFarBehindDropsWholeRoundsInsteadOfCatchingUp() {
        var cursor = ProbeCursor(schedule: ProbeSchedule(peerCount: 10, intervalMilliseconds: 100))
        cursor.startDue(at: 0, limit: 32) { _ in true }
        #expect(cursor.peer == 1)
        // The loop stalled for ten rounds: peer 1 starts once, in the current round.
        var started: [Int] = []
        cursor.startDue(at: 1_015, limit: 32) { started.append($0); return true }
        #expect(started == [1])
        #expect(cursor.round == 10)
        #expect(cursor.nextStartTime.map { $0 > 1_015 } == true)
    }

    @Test func noPeersNeverStartAnything() {
        var cursor = ProbeCursor(schedule: ProbeSchedule(peerCount: 0, intervalMilliseconds: 1_000))
        #expect(cursor.nextStartTime == nil)
        #expect(cursor.startDue(at: 10_000, limit: 32) { _ in true } == 0)
    }

    @Test func theFirstRoundIsSpreadOverAtMostTheSpread() {
        let schedule = ProbeSchedule(peerCount: 4, intervalMilliseconds: 60_000, spreadMilliseconds: 1_000)
        #expect((0..<4).map(schedule.startOffset(ofPeer:)) == [0, 250, 500, 750])
        #expect(schedule.startTime(ofPeer: 1, round: 1) == 60_250)
        #expect(ProbeSchedule(peerCount: 2, intervalMilliseconds: 100, spreadMilliseconds: 1_000).spreadMilliseconds == 100)
    }
}

@Suite struct RoundTallyTests {
    @Test func theFirstPassDecidesAndALateVerdictChangesNothing() {
        var tally = RoundTally()
        tally.begin(addresses: 2)
        #expect(tally.record(.pass, slot: 1) == .pass)
        #expect(!tally.isOpen)
        #expect(tally.record(.refused, slot: 0) == nil)
    }

    @Test func aFailureWaitsForTheOtherAddress() {
        var tally = RoundTally()
        tally.begin(addresses: 2)
        #expect(tally.record(.refused, slot: 0) == nil)
        #expect(tally.isOpen)
        #expect(tally.record(.pass, slot: 1) == .pass)
    }

    @Test func whenBothFailTheIPv4CauseIsNamedWhicheverFinishedFirst() {
        var tally = RoundTally()
        tally.begin(addresses: 2)
        #expect(tally.record(.timeout(milliseconds: 5), slot: 1) == nil)
        #expect(tally.record(.refused, slot: 0) == .refused)
    }

    @Test func aSingleAddressDecidesAtOnceAndTheTallyIsReusable() {
        var tally = RoundTally()
        tally.begin(addresses: 1)
        #expect(tally.record(.reset, slot: 0) == .reset)
        tally.begin(addresses: 1)
        #expect(tally.record(.pass, slot: 0) == .pass)
    }

    /// Drives one round with `verdicts[slot]` arriving in `arrival` order; the decision.
    static func decide(_ verdicts: [ProbeVerdict], arrival: [Int]) -> ProbeVerdict? {
        var tally = RoundTally()
        tally.begin(addresses: verdicts.count)
        var decided: ProbeVerdict?
        for slot in arrival {
            if let verdict = tally.record(verdicts[slot], slot: slot) {
                #expect(decided == nil, "a round decided twice")
                decided = verdict
            }
        }
        #expect(!tally.isOpen)
        return decided
    }

    static func arrivalOrders(_ count: Int) -> [[Int]] {
        count == 2 ? [[0, 1], [1, 0]] : [Array(0..<count)]
    }

    @Test(arguments: [
        [ProbeVerdict.refused, .pass],
        [.pass, .timeout(milliseconds: 5)],
        [.pass],
    ])
    func anyAddressPassingPassesInEitherOrder(verdicts: [ProbeVerdict]) {
        for arrival in Self.arrivalOrders(verdicts.count) {
            #expect(Self.decide(verdicts, arrival: arrival) == .pass, "arrival \(arrival)")
        }
    }

    @Test(arguments: [
        ([ProbeVerdict.refused, .unreachable], ProbeVerdict.refused),
        ([.status(503)], .status(503)),
    ])
    func aFailingRoundNamesTheFirstAddressCauseInEitherOrder(verdicts: [ProbeVerdict], cause: ProbeVerdict) {
        for arrival in Self.arrivalOrders(verdicts.count) {
            #expect(Self.decide(verdicts, arrival: arrival) == cause, "arrival \(arrival)")
        }
    }

    @Test func noAddressNeverPasses() {
        var tally = RoundTally()
        tally.begin(addresses: 0)
        #expect(!tally.isOpen)
        #expect(tally.record(.pass, slot: 0) == nil)
    }
}
