/// When each peer's probe starts within a round: spread evenly over the interval so a
/// registry with many peers never opens all its connections in one tick (SPEC §5).
///
/// Peer `i` of `n` starts at `i * interval / n` ms after the round starts, and every
/// `interval` ms after that; round 0 starts at startup.
struct ProbeSchedule: Sendable, Equatable {
    let peerCount: Int
    let intervalMilliseconds: Int

    /// Offset of peer `index`'s probe from the start of every round, in `0 ..< interval`.
    func startOffset(ofPeer index: Int) -> Int {
        precondition((0..<peerCount).contains(index), "peer index out of range")
        return index * intervalMilliseconds / peerCount
    }

    /// Time of peer `index`'s probe in `round`, from startup, in ms.
    func startTime(ofPeer index: Int, round: Int) -> Int {
        round * intervalMilliseconds + startOffset(ofPeer: index)
    }
}
