import Foundation
import Testing
@testable import ZoneRegistry

/// How a master merges a fellow's override records (SPEC §11: the latest set override wins),
/// the same way on every master whatever order the views arrive in.
@Suite struct OverrideMergeTests {
    static let host = "prod1.example.test."
    static let now = Date(milliseconds: 1_800_000_000_000)

    static func override(_ state: OverrideState, at offset: Int64, for duration: Int64? = nil, by: String = "127.0.0.1:1",
                         reason: String = "") -> OverrideRecord {
        let set = now.milliseconds + offset
        return .set(Override(state: state, reason: reason, setAt: Date(milliseconds: set),
                             expiresAt: duration.map { Date(milliseconds: set + $0) }, setBy: by))
    }

    static func removal(at offset: Int64) -> OverrideRecord {
        let at = Date(milliseconds: now.milliseconds + offset)
        return .removed(Tombstone(setAt: at, setBy: "127.0.0.1:2", removedAt: at))
    }

    private func holding(_ record: OverrideRecord) -> OverrideSet {
        var set = OverrideSet()
        _ = set.adopt(record, for: Self.host, now: Self.now)
        return set
    }

    @Test func theLaterSetTimeWins() {
        var set = holding(Self.override(.drain, at: -2000))
        #expect(set.adopt(Self.override(.up, at: -1000), for: Self.host, now: Self.now) == .adopted(Self.override(.up, at: -1000)))
        #expect(set[Self.host]?.state == .up)
        #expect(set.adopt(Self.override(.drain, at: -1500), for: Self.host, now: Self.now) == .older)
        #expect(set.adopt(Self.override(.up, at: -1000), for: Self.host, now: Self.now) == .older, "its own echo changes nothing")
        #expect(set[Self.host]?.state == .up)
    }

    @Test func aTombstoneBeatsAnOlderOverrideAndLosesToANewerOne() {
        var set = holding(Self.override(.drain, at: -2000))
        #expect(set.adopt(Self.removal(at: -1000), for: Self.host, now: Self.now) == .adopted(Self.removal(at: -1000)))
        #expect(set[Self.host] == nil && set.record(for: Self.host) == Self.removal(at: -1000))
        #expect(set.adopt(Self.override(.drain, at: -2000), for: Self.host, now: Self.now) == .older, "the removed drain does not come back")
        #expect(set.adopt(Self.override(.drain, at: -500), for: Self.host, now: Self.now) == .adopted(Self.override(.drain, at: -500)))
        #expect(set[Self.host]?.state == .drain && set.tombstones.isEmpty)
    }

    @Test func tiesBreakTheSameWayWhicheverArrivesFirst() {
        let records = [Self.override(.drain, at: -100, by: "a"), Self.override(.up, at: -100, by: "b"), Self.removal(at: -100),
                       Self.override(.drain, at: -100, by: "c"), Self.override(.drain, at: -100, for: 5000, by: "a")]
        var outcomes: Set<String> = []
        for first in records {
            for second in records {
                var set = holding(first)
                _ = set.adopt(second, for: Self.host, now: Self.now)
                var reverse = holding(second)
                _ = reverse.adopt(first, for: Self.host, now: Self.now)
                #expect(set.record(for: Self.host) == reverse.record(for: Self.host))
                if first != second { outcomes.insert("\(String(describing: set.record(for: Self.host)))") }
            }
        }
        var all = OverrideSet()
        for record in records { _ = all.adopt(record, for: Self.host, now: Self.now) }
        #expect(all[Self.host]?.setBy == "c" && all[Self.host]?.expiresAt == nil, "a drain until removed outranks the rest, then the setter")
        #expect(outcomes.count > 1)
    }

    @Test func anExpiredOverrideIsTakenAsItsTombstone() {
        var set = holding(Self.override(.drain, at: -60_000))
        let expired = Self.override(.up, at: -10_000, for: 5000)
        guard case .adopted(.removed(let tombstone)) = set.adopt(expired, for: Self.host, now: Self.now) else {
            Issue.record("not adopted as a tombstone")
            return
        }
        #expect(tombstone.removedAt == Date(milliseconds: Self.now.milliseconds - 5000) && set[Self.host] == nil)
    }

    @Test func farFutureSetTimesAndOldTombstonesAreRefused() {
        var set = OverrideSet()
        guard case .refused = set.adopt(Self.override(.drain, at: 3_600_000), for: Self.host, now: Self.now) else {
            Issue.record("a set time an hour ahead was accepted")
            return
        }
        guard case .refused = set.adopt(Self.removal(at: -25 * 3_600_000), for: Self.host, now: Self.now) else {
            Issue.record("a tombstone past retention was accepted")
            return
        }
        #expect(set.records.isEmpty)
        #expect(set.adopt(Self.override(.drain, at: 60_000), for: Self.host, now: Self.now) != .older, "a minute of skew is fine")
    }

    @Test func expiryLeavesATombstoneKeptForADay() {
        var set = OverrideSet()
        set.set(Override(state: .drain, reason: "", setAt: Self.now, expiresAt: Self.now.addingTimeInterval(30), setBy: "x"), for: Self.host)
        #expect(set.removeExpired(at: Self.now.addingTimeInterval(30)).count == 1)
        #expect(set.record(for: Self.host) == .removed(Tombstone(setAt: Self.now, setBy: "x", removedAt: Self.now.addingTimeInterval(30))))
        #expect(set.nextExpiry == Self.now.addingTimeInterval(30 + 24 * 3600))
        _ = set.removeExpired(at: Self.now.addingTimeInterval(30 + 24 * 3600))
        #expect(set.records.isEmpty)
    }
}
