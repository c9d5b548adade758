import Foundation

/// What this master tells its fellows of the overrides (SPEC §11 with `quorum`): every
/// override and every kept tombstone of the registry's peers, as `override` strings of its
/// view (docs/quorum.md). Adopting theirs is `OperatorControl.adopt`.
extension OperatorControl {
    /// The records to publish within `room` bytes of strings (each string plus its length
    /// byte), so a large selector drain never pushes the view past one message and costs this
    /// master its votes: when they do not all fit, the most recently set go, reasons dropped
    /// before records; `leftOut` counts the records left out.
    func published(for registry: Registry, room: Int, now: Date = Date()) -> (entries: [OverrideEntry], leftOut: Int) {
        let held = registry.config.peers.compactMap { peer -> OverrideEntry? in
            guard let record = overrides.record(for: peer.host.description) else { return nil }
            // An override past its end (the timer not run yet) goes as it is: a fellow reads an
            // `until` in the past as its tombstone.
            if case .removed(let tombstone) = record,
               tombstone.removedAt.addingTimeInterval(OverrideSet.tombstoneRetention) <= now { return nil }
            return OverrideEntry(host: peer.host, record: record)
        }
        // Every record reaching the fellows matters more than any reason: first as many as fit
        // without reasons, then the reasons back, the latest set first, while room is left.
        var left = room
        let latestFirst = held.sorted { $0.record.supersedes($1.record) }
        var entries: [OverrideEntry] = []
        for entry in latestFirst {
            guard let size = entry.withoutReason.render()?.count, size + 1 <= left else { break }
            entries.append(entry.withoutReason)
            left -= size + 1
        }
        for index in entries.indices where latestFirst[index] != entries[index] {
            guard let full = latestFirst[index].render()?.count, let bare = entries[index].render()?.count,
                  full - bare <= left else { continue }
            entries[index] = latestFirst[index]
            left -= full - bare
        }
        return (entries, held.count - entries.count)
    }
}

extension OverrideEntry {
    var withoutReason: OverrideEntry {
        guard case .set(var override) = record else { return self }
        override.reason = ""
        return OverrideEntry(host: host, record: .set(override))
    }
}
