/// When each peer's probe starts: spread evenly so a registry with many peers never opens
/// all its connections in one tick (SPEC §5).
///
/// Peer `i` of `n` starts at `i * spread / n` ms after startup and every `interval` ms after
/// that. The spread is the interval, except that the daemon spreads the first round over at
/// most one second so a fresh daemon knows its peers quickly.
struct ProbeSchedule: Sendable, Equatable {
    let peerCount: Int
    let intervalMilliseconds: Int
    let spreadMilliseconds: Int

    init(peerCount: Int, intervalMilliseconds: Int, spreadMilliseconds: Int? = nil) {
        self.peerCount = peerCount
        self.intervalMilliseconds = intervalMilliseconds
        self.spreadMilliseconds = min(spreadMilliseconds ?? intervalMilliseconds, intervalMilliseconds)
    }

    /// Offset of peer `index`'s probe from the start of every round, in `0 ..< spread`.
    func startOffset(ofPeer index: Int) -> Int {
        precondition((0..<peerCount).contains(index), "peer index out of range")
        return index * spreadMilliseconds / peerCount
    }

    /// Time of peer `index`'s probe in `round`, from startup, in ms.
    func startTime(ofPeer index: Int, round: Int) -> Int {
        round * intervalMilliseconds + startOffset(ofPeer: index)
    }
}

/// Walks a `ProbeSchedule` in time order — peer 0…n-1 of round 0, then of round 1 … — so
/// one timer can start every peer's probe: the loop asks for the peers due by now, a few
/// per tick, and a loop too busy to keep up makes the walk lag instead of firing a burst.
struct ProbeCursor: Sendable, Equatable {
    let schedule: ProbeSchedule
    private(set) var peer = 0
    private(set) var round = 0

    init(schedule: ProbeSchedule) {
        self.schedule = schedule
    }

    /// Start time of the next probe, from startup in ms; nil when there are no peers.
    var nextStartTime: Int? {
        schedule.peerCount == 0 ? nil : schedule.startTime(ofPeer: peer, round: round)
    }

    /// Starts the peers due at `now` (ms from startup) in schedule order, at most `limit` of
    /// them, through `start`: true when it started the peer's round, false when it skipped it
    /// (the previous round still runs), nil when no probe slot is free — the walk stops
    /// there and that peer keeps its place. Returns how many rounds were started.
    ///
    /// A walk more than one interval behind drops whole rounds first, so a loop that cannot
    /// keep up probes each peer less often rather than bursting to catch up.
    @discardableResult
    mutating func startDue(at now: Int, limit: Int, _ start: (Int) -> Bool?) -> Int {
        guard var time = nextStartTime else { return 0 }
        let behind = now - time
        if behind > schedule.intervalMilliseconds {
            round += behind / schedule.intervalMilliseconds
            time = schedule.startTime(ofPeer: peer, round: round)
        }
        var started = 0
        while started < limit, time <= now {
            guard let didStart = start(peer) else { break }
            if didStart { started += 1 }
            advance()
            time = schedule.startTime(ofPeer: peer, round: round)
        }
        return started
    }

    private mutating func advance() {
        peer += 1
        if peer == schedule.peerCount {
            peer = 0
            round += 1
        }
    }
}
