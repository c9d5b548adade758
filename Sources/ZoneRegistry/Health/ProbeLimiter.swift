/// The one place that bounds probes in flight across every registry (`ProbeQueue`).
/// Loop-owned; one per daemon, kept across reloads.
final class ProbeLimiter {
    private var queue: ProbeQueue
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

    /// Takes a slot for `id` only if one is free now (see `ProbeQueue.startIfFree`): true to
    /// start, false to skip this round, nil to ask again later.
    func startIfFree(_ id: Int) -> Bool? {
        switch queue.startIfFree(peer: id) {
        case .start: true
        case .refused: false
        case nil: nil
        }
    }

    /// `id`'s probe is over (verdict given or cancelled): frees its slot for the next one.
    func finished(_ id: Int) {
        queue.finish(peer: id)
    }
}
