import Foundation

/// What the status API shows of one peer's probing: the last round's verdict and how long it
/// took, and since when the peer has had its current health, with the verdict that took it down.
///
/// Kept per peer by `HealthMonitor`, updated once per round (not per query), kept across reloads.
struct ProbeRecord: Sendable, Equatable {
    var lastVerdict: ProbeVerdict?
    var lastMilliseconds: Int?
    var lastProbeAt: Date?
    /// When health last changed; nil before the first verdict.
    var since: Date?
    /// The failing verdict of the last fall; nil while up.
    var cause: ProbeVerdict?

    mutating func observe(_ verdict: ProbeVerdict, milliseconds: Int, at time: Date) {
        lastVerdict = verdict
        lastMilliseconds = milliseconds
        lastProbeAt = time
    }

    mutating func changed(to health: PeerHealth, cause: ProbeVerdict?, at time: Date) {
        since = time
        self.cause = health == .down ? cause : nil
    }
}
