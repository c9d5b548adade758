/// Loop-owned counters of zone transfers and NOTIFY (SPEC §10) that outlive reloads. Low
/// rate (per transfer, per serial change), so keyed by label values directly.
final class TransferMetrics {
    /// How a transfer request ended: `full` (the whole zone, AXFR or IXFR fallback),
    /// `incremental` (IXFR from the journal), `current` (IXFR, client up to date),
    /// `refused`, `notauth`, `formerr`, `aborted` (the client went away mid-transfer).
    private var transfers: [[String]: UInt64] = [:]
    /// NOTIFY results per zone: `acknowledged`, `failed` (retries used up); and datagrams sent.
    private var notifies: [[String]: UInt64] = [:]
    private var notifySent: [String: UInt64] = [:]

    func countTransfer(zone: String, type: String, result: String) {
        transfers[[zone, type, result], default: 0] += 1
    }

    func countNotify(zone: String, result: String) {
        notifies[[zone, result], default: 0] += 1
    }

    func countNotifySent(zone: String) {
        notifySent[zone, default: 0] += 1
    }

    func transferCount(zone: String, type: String, result: String) -> UInt64 {
        transfers[[zone, type, result]] ?? 0
    }

    func render(into text: inout PrometheusText) {
        if !transfers.isEmpty {
            text.family("coredns_zoneregistry_transfers_total", .counter, help: "Zone transfer requests (AXFR, IXFR) by result.")
            for (key, value) in transfers.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
                text.sample("coredns_zoneregistry_transfers_total", [("zone", key[0]), ("type", key[1]), ("result", key[2])], value)
            }
        }
        if !notifies.isEmpty {
            text.family("coredns_zoneregistry_notifies_total", .counter, help: "NOTIFY exchanges with secondaries by result.")
            for (key, value) in notifies.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
                text.sample("coredns_zoneregistry_notifies_total", [("zone", key[0]), ("result", key[1])], value)
            }
        }
        if !notifySent.isEmpty {
            text.family("coredns_zoneregistry_notify_messages_total", .counter, help: "NOTIFY messages sent, retries included.")
            for (zone, value) in notifySent.sorted(by: { $0.key < $1.key }) {
                text.sample("coredns_zoneregistry_notify_messages_total", [("zone", zone)], value)
            }
        }
    }
}
