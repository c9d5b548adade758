import Foundation

/// What this master tells its fellows of the overrides (SPEC §11 with `quorum`): every
/// override and every kept tombstone of the registry's peers, as `override` strings of its
/// view (docs/quorum.md). Adopting theirs is `OperatorControl.adopt`.
extension OperatorControl {
    func published(for registry: Registry, now: Date = Date()) -> [OverrideEntry] {
        registry.config.peers.compactMap { peer in
            guard let record = overrides.record(for: peer.host.description) else { return nil }
            // An override past its end (the timer not run yet) goes as it is: a fellow reads an
            // `until` in the past as its tombstone.
            if case .removed(let tombstone) = record,
               tombstone.removedAt.addingTimeInterval(OverrideSet.tombstoneRetention) <= now { return nil }
            return OverrideEntry(host: peer.host, record: record)
        }
    }
}
