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

    @Test func admitsUpToTheBoundThenQueues() {
        var queue = ProbeQueue(bound: 2)
        #expect(queue.request(peer: 0) == .start)
        #expect(queue.request(peer: 1) == .start)
        #expect(queue.request(peer: 2) == .queued)
        #expect(queue.request(peer: 3) == .queued)
        #expect(queue.inFlight == [0, 1])
        #expect(queue.waitingCount == 2)
    }

    @Test func finishingReleasesTheNextInArrivalOrder() {
        var queue = ProbeQueue(bound: 1)
        #expect(queue.request(peer: 5) == .start)
        #expect(queue.request(peer: 7) == .queued)
        #expect(queue.request(peer: 6) == .queued)
        #expect(queue.finish(peer: 5) == 7)
        #expect(queue.inFlight == [7])
        #expect(queue.finish(peer: 7) == 6)
        #expect(queue.finish(peer: 6) == nil)
        #expect(queue.inFlight.isEmpty)
        #expect(queue.waitingCount == 0)
    }

    @Test func peerNeverHasTwoProbesInFlightOrWaiting() {
        var queue = ProbeQueue(bound: 1)
        #expect(queue.request(peer: 0) == .start)
        #expect(queue.request(peer: 0) == .refused)
        #expect(queue.request(peer: 1) == .queued)
        #expect(queue.request(peer: 1) == .refused)
        #expect(queue.finish(peer: 0) == 1)
        #expect(queue.request(peer: 1) == .refused)
        #expect(queue.request(peer: 0) == .queued)
    }

    @Test func finishingAPeerNotInFlightChangesNothing() {
        var queue = ProbeQueue(bound: 1)
        #expect(queue.request(peer: 0) == .start)
        #expect(queue.request(peer: 1) == .queued)
        #expect(queue.finish(peer: 1) == nil)
        #expect(queue.finish(peer: 9) == nil)
        #expect(queue.inFlight == [0])
        #expect(queue.waitingCount == 1)
    }

    @Test func inFlightNeverExceedsTheBoundUnderChurn() {
        var queue = ProbeQueue(bound: 3)
        var running: [Int] = []
        for peer in 0..<50 where queue.request(peer: peer) == .start {
            running.append(peer)
        }
        #expect(running.count == 3)
        var started = running.count
        while let peer = running.first {
            running.removeFirst()
            if let next = queue.finish(peer: peer) {
                running.append(next)
                started += 1
            }
            #expect(queue.inFlight.count <= 3)
        }
        #expect(started == 50)
        #expect(queue.inFlight.isEmpty)
    }
}
