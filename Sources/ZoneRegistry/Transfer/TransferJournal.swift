/// The recent changes of one zone, from which IXFR answers (RFC 1995 §4).
///
/// Bounded twice: the last `maxEntries` serial changes, and at most `maxRecords` changed
/// records over all of them (a flip of 10,000 peers is one large entry). The oldest entries
/// go first; a secondary whose serial has gone gets the whole zone instead.
struct TransferJournal {
    static let maxEntries = 100
    static let maxRecords = 100_000

    /// One serial change: the SOA before and after, and the records between them.
    struct Entry {
        let from: ResourceRecord
        let to: ResourceRecord
        let deleted: [ResourceRecord]
        let added: [ResourceRecord]

        var fromSerial: UInt32 { from.serial }
        var toSerial: UInt32 { to.serial }
        var recordCount: Int { deleted.count + added.count }
    }

    private(set) var entries: [Entry] = []
    private var recordCount = 0

    mutating func append(_ entry: Entry) {
        entries.append(entry)
        recordCount += entry.recordCount
        var drop = 0
        while drop < entries.count, entries.count - drop > Self.maxEntries || recordCount > Self.maxRecords {
            recordCount -= entries[drop].recordCount
            drop += 1
        }
        if drop > 0 { entries.removeFirst(drop) }
    }

    /// The entries leading from `serial` to `current`, oldest first; nil when `serial` is
    /// not in the journal (or the chain is broken).
    func path(from serial: UInt32, to current: UInt32) -> ArraySlice<Entry>? {
        guard let start = entries.lastIndex(where: { $0.fromSerial == serial }) else { return nil }
        var index = start
        while index + 1 < entries.count {
            guard entries[index].toSerial == entries[index + 1].fromSerial else { return nil }
            index += 1
        }
        return entries.last?.toSerial == current ? entries[start...] : nil
    }
}

extension ResourceRecord {
    /// The serial of an SOA record; 0 for any other.
    var serial: UInt32 {
        if case .soa(let soa) = data { return soa.serial }
        return 0
    }
}
