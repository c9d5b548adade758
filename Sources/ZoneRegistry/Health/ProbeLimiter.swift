/// The one place that bounds probes in flight across every registry (`ProbeQueue`), and
/// starts a queued probe when another finishes. Loop-owned; one per daemon, kept across reloads.
final class ProbeLimiter {
    private var queue: ProbeQueue
    private var waitingStarts: [Int: () -> Void] = [:]
    private var nextID = 0

    init(bound: Int = ProbeQueue.defaultBound) {
        queue = ProbeQueue(bound: bound)
    }

    /// A fresh identity for one peer's probes.
    func makeID() -> Int {
        nextID += 1
        return nextID
    }

    var inFlightCount: Int { queue.inFlight.count }

    /// Runs `start` now or when a slot frees; does nothing if `id` already has a probe in
    /// flight or waiting (a slow peer skips a round instead of stacking probes).
    func request(_ id: Int, start: @escaping () -> Void) {
        switch queue.request(peer: id) {
        case .start: start()
        case .queued: waitingStarts[id] = start
        case .refused: break
        }
    }

    /// Takes a slot for `id` only if one is free now (see `ProbeQueue.startIfFree`): true to
    /// start, false to skip this round, nil to ask again later.
    func startIfFree(_ id: Int) -> Bool? {
        switch queue.startIfFree(peer: id) {
        case .start: true
        case .queued, .refused: false
        case nil: nil
        }
    }

    /// `id`'s probe is over (verdict given or cancelled): frees its slot for the next one.
    func finished(_ id: Int) {
        if waitingStarts.removeValue(forKey: id) != nil {
            // Cancelled while still waiting: the queue admits it later and we finish it then.
            return
        }
        var next = queue.finish(peer: id)
        while let admitted = next {
            if let start = waitingStarts.removeValue(forKey: admitted) {
                start()
                return
            }
            // A cancelled waiter: release its slot at once.
            next = queue.finish(peer: admitted)
        }
    }
}
