/// A transferred zone as the registry answers it at one serial: the layout of its
/// configuration and the selection at that moment. Immutable; a transfer in progress keeps
/// its snapshot while the registry moves on (RFC 5936 §6: one consistent version).
final class ZoneSnapshot {
    let layout: ZoneLayout
    let serial: UInt32
    let selected: [Int]
    let soa: ResourceRecord

    init(layout: ZoneLayout, serial: UInt32, selected: [Int]) {
        self.layout = layout
        self.serial = serial
        self.selected = selected
        soa = layout.soa(serial: serial)
    }

    /// Every record but the SOA, listed once and shared by every transfer of this serial.
    private(set) lazy var records: [ResourceRecord] = layout.records(selected: selected)

    /// What changed from `old` to this snapshot (RFC 1995 §4: deleted, then added RRs).
    /// Within one configuration only the selection can differ, so only the records of peers
    /// that left or joined it are listed; across a reload both zones are compared whole.
    func changes(since old: ZoneSnapshot) -> (deleted: [ResourceRecord], added: [ResourceRecord]) {
        guard old.layout.registry === layout.registry, old.layout.zone == layout.zone else {
            let before = Set(old.records), after = Set(records)
            return (old.records.filter { !after.contains($0) }, records.filter { !before.contains($0) })
        }
        var membership = [UInt8](repeating: 0, count: layout.registry.config.peers.count)
        for peer in old.selected where peer < membership.count { membership[peer] |= 1 }
        for peer in selected where peer < membership.count { membership[peer] |= 2 }
        let left = old.selected.filter { membership[$0] == 1 }
        let joined = selected.filter { membership[$0] == 2 }
        var deleted: [ResourceRecord] = [], added: [ResourceRecord] = []
        layout.selectedRecords(left, into: &deleted)
        layout.selectedRecords(joined, into: &added)
        if layout.registry.config.mode == .address, !deleted.isEmpty || !added.isEmpty {
            // An address a leaving peer shares with one that stays (or joins) is still in the
            // zone: deleting it would take it from a secondary that the registry still answers.
            var held4 = Set<IPv4Address>(), held6 = Set<IPv6Address>()
            for peer in selected where membership[peer] == 3 {
                let config = layout.registry.config.peers[peer]
                if let address = config.ipv4 { held4.insert(address) }
                if let address = config.ipv6 { held6.insert(address) }
            }
            func held(_ record: ResourceRecord) -> Bool {
                switch record.data {
                case .a(let address): held4.contains(address)
                case .aaaa(let address): held6.contains(address)
                default: false
                }
            }
            let (gone, new) = (Set(deleted), Set(added))
            deleted.removeAll { held($0) || new.contains($0) }
            added.removeAll { held($0) || gone.contains($0) }
        }
        if old.selected.first != selected.first {
            layout.cnameRecords(first: old.selected.first, into: &deleted)
            layout.cnameRecords(first: selected.first, into: &added)
        }
        return (deleted, added)
    }
}
