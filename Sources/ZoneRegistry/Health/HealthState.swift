/// Rise/fall hysteresis of one peer, after gdnsd's `mon.c`: the only place verdicts become
/// up or down. Pure; one value per peer, owned by the loop thread.
///
/// The first round decides at once (before it the peer is `unknown` and counts as healthy,
/// SPEC §4). Afterwards `rise` consecutive passing rounds flip down→up and `fall`
/// consecutive failing rounds flip up→down; a round with the opposite verdict resets the
/// count, so one flapping probe never moves a steady peer.
struct HealthState: Sendable, Equatable {
    let rise: Int
    let fall: Int
    private(set) var health = PeerHealth.unknown
    /// Consecutive rounds so far whose verdict opposes `health`.
    private(set) var streak = 0

    /// `rise` and `fall` below 1 act as 1 (the Corefile parser keeps them ≥ 1).
    init(rise: Int = 1, fall: Int = 1) {
        self.rise = max(1, rise)
        self.fall = max(1, fall)
    }

    /// A state that continues a verdict already reached (a reload changed `rise`/`fall`):
    /// the streak starts afresh, the peer stays up or down.
    init(rise: Int, fall: Int, health: PeerHealth) {
        self.init(rise: rise, fall: fall)
        self.health = health
    }

    /// Takes one round's verdict (see `RoundTally`); returns the transition
    /// when the state changed, nil when it did not.
    mutating func record(_ verdict: ProbeVerdict) -> HealthTransition? {
        let target: PeerHealth = verdict.passed ? .up : .down
        if health == target {
            streak = 0
            return nil
        }
        if health != .unknown {
            streak += 1
            guard streak >= (target == .up ? rise : fall) else { return nil }
        }
        let transition = HealthTransition(from: health, to: target, cause: verdict.passed ? nil : verdict)
        health = target
        streak = 0
        return transition
    }
}

/// A change of one peer's health, for the log line, the metrics and the SOA serial.
struct HealthTransition: Sendable, Equatable {
    let from: PeerHealth
    let to: PeerHealth
    /// The failing verdict that completed a fall; nil when the peer came up.
    let cause: ProbeVerdict?

    /// Whether answers change: `unknown` already counted as healthy, so unknown→up leaves
    /// the healthy set (and the SOA serial) as it was.
    var changesHealthySet: Bool {
        (from == .down) != (to == .down)
    }

    /// `peer prod1.service.example.net. down: connect refused` (SPEC §5).
    func logLine(peer: DomainName) -> String {
        switch (to, cause) {
        case (.down, let cause?): "peer \(peer) down: \(cause)"
        default: "peer \(peer) \(to)"
        }
    }
}
