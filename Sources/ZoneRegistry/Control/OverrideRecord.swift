import Foundation

/// A removal of one peer's override (`auto`, `DELETE`, `undrain`, or its expiry), kept for a
/// while so a fellow master still holding the older override does not hand it back (SPEC §11:
/// the latest set override wins).
struct Tombstone: Sendable, Equatable, Codable {
    /// Its place in the merge order: when the removal was asked, or for an expiry when the
    /// expired override was set (an older override elsewhere still loses to it).
    var setAt: Date
    var setBy: String
    /// When the override ended; the tombstone is kept `OverrideSet.tombstoneRetention` after.
    var removedAt: Date
}

/// What a master holds last about one peer host: an override in force, or a recent removal.
/// The masters' exchange (docs/quorum.md) carries these, and `supersedes` is the one merge rule.
enum OverrideRecord: Sendable, Equatable {
    case set(Override)
    case removed(Tombstone)

    var setAt: Date {
        switch self {
        case .set(let override): override.setAt
        case .removed(let tombstone): tombstone.setAt
        }
    }

    var setBy: String {
        switch self {
        case .set(let override): override.setBy
        case .removed(let tombstone): tombstone.setBy
        }
    }

    /// `drain`, `up` or `auto`.
    var stateName: String {
        if case .set(let override) = self { return override.state.rawValue }
        return "auto"
    }

    /// The later set time wins. A tie (same millisecond, set on two masters at once) is broken
    /// by the rest of the record, in an order every master computes alike: a drain before an
    /// up before a removal (when in doubt, keep the peer out), then the later end, then the
    /// setter's address and the reason.
    func supersedes(_ other: OverrideRecord?) -> Bool {
        guard let other else { return true }
        return order > other.order
    }

    private var order: (Int64, Int, Int64, String, String) {
        switch self {
        case .set(let override):
            (override.setAt.milliseconds, override.state == .drain ? 2 : 1, override.expiresAt?.milliseconds ?? .max,
             override.setBy, override.reason)
        case .removed(let tombstone):
            (tombstone.setAt.milliseconds, 0, tombstone.removedAt.milliseconds, tombstone.setBy, "")
        }
    }
}

extension Date {
    /// Milliseconds since the epoch, the precision overrides are set, stored and exchanged in.
    var milliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }

    init(milliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// This time cut to the millisecond, so it survives the state file and the exchange unchanged.
    var wholeMilliseconds: Date { Date(milliseconds: milliseconds) }
}
