/// The records of one transfer response in the order they go out, as segments shared with
/// the snapshot and journal (no copy per transfer), and how far the writing has got.
///
/// AXFR (RFC 5936 §2.2): SOA, the zone, SOA. IXFR (RFC 1995 §4): the newest SOA, then per
/// change the old SOA, the deleted records, the new SOA, the added records, then the newest
/// SOA again; or the newest SOA alone when the client is current.
struct TransferBody {
    private let segments: [[ResourceRecord]]
    private var segment = 0
    private var index = 0
    let recordCount: Int

    init(segments: [[ResourceRecord]]) {
        self.segments = segments.filter { !$0.isEmpty }
        recordCount = segments.reduce(0) { $0 + $1.count }
    }

    static func full(_ snapshot: ZoneSnapshot) -> TransferBody {
        TransferBody(segments: [[snapshot.soa], snapshot.records, [snapshot.soa]])
    }

    static func incremental(_ path: ArraySlice<TransferJournal.Entry>, newest: ZoneSnapshot) -> TransferBody {
        var segments: [[ResourceRecord]] = [[newest.soa]]
        for entry in path {
            segments += [[entry.from], entry.deleted, [entry.to], entry.added]
        }
        segments.append([newest.soa])
        return TransferBody(segments: segments)
    }

    static func current(_ snapshot: ZoneSnapshot) -> TransferBody {
        TransferBody(segments: [[snapshot.soa]])
    }

    var isFinished: Bool { segment >= segments.count }

    /// Writes records into the answer section until one does not fit or none are left.
    /// A record never splits across messages (RFC 5936 §2.2).
    mutating func write(into writer: inout MessageWriter) {
        while segment < segments.count {
            guard segments[segment][index].write(into: &writer) else { return }
            index += 1
            if index == segments[segment].count {
                segment += 1
                index = 0
            }
        }
    }
}
