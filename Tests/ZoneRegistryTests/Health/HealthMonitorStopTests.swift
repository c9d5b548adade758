import Logging
import Testing
@testable import ZoneRegistry

/// What stopping a monitor (reload, shutdown) leaves behind in the shared probe limiter.
@Suite struct HealthMonitorStopTests {
    /// Peers whose probes would be refused at once on loopback; they must never start here.
    static let peers = (1...3).map { index in
        var config = peer("p\(index).service.example.net", v4: "127.0.9.\(30 + index)")
        config.probeProtocol = .tcp
        config.port = 9
        return config
    }

    /// Runs the loop for `milliseconds`, then returns.
    static func run(_ loop: EventLoop, milliseconds: UInt64) {
        let timer = LoopTimer(loop: loop)
        timer.start(after: milliseconds) { loop.stop() }
        loop.run()
        timer.close()
    }

    /// Runs the loop until every closed handle's memory is released, so the loop itself can
    /// be closed (LeakSanitizer, `make test-asan`).
    static func drain(_ loop: EventLoop) {
        loop.run()
    }

    /// Found by MisbehavingPeerTests: a reload while probes waited for a slot. Stopping the
    /// monitor finished its running probes first, which admitted one of its own waiting
    /// peers; that probe started on the stopped monitor and was dropped with its socket and
    /// timer open, and the timer later fired into freed memory (SIGSEGV). Nothing waits for
    /// a slot any more; this keeps a stopped monitor from starting anything when one frees.
    @Test func stoppedMonitorLeavesNoProbeWaitingOrRunning() throws {
        let loop = try EventLoop()
        let limiter = ProbeLimiter(bound: 1)
        let occupant = limiter.makeID()
        #expect(limiter.startIfFree(occupant) == true) // the one slot is taken elsewhere
        let registry = Registry(config: registryConfig(peers: Self.peers), serial: 1, previous: nil)
        let monitor = try HealthMonitor(loop: loop, registry: registry, previous: nil, limiter: limiter,
                                        metrics: ProbeMetrics(), logger: Logger(label: "test"))
        monitor.start()
        Self.run(loop, milliseconds: 1_100)           // every peer's first round has asked for a slot
        #expect(limiter.inFlightCount == 1)

        monitor.stop()
        limiter.finished(occupant)
        #expect(limiter.inFlightCount == 0, "a probe of the stopped monitor started")
        Self.drain(loop)
    }
}
