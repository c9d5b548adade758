import Foundation

/// One `override` string of a master's view (SPEC §11, docs/quorum.md): an override this
/// master holds, or a tombstone of a recent removal, with what a fellow needs to reproduce it.
///
///     override prod1.example.net. drain set=1764662400123 until=1764662403123 by=127.0.0.1:40312 reason=maint%20window
///     override prod1.example.net. auto set=1764662400123 removed=1764662403123 by=127.0.0.1:40312
///
/// Times are milliseconds since the epoch; `by` and `reason` are percent-encoded (space, `%`,
/// control and non-ASCII bytes), and the reason is cut so the string fits 255 bytes.
struct OverrideEntry: Sendable, Equatable {
    var host: DomainName
    var record: OverrideRecord

    /// Longest `by` accepted: a client address with its port fits in far less.
    static let setterLimit = 64
    /// The last millisecond of year 9999: later set times are refused, as the state file's
    /// ISO 8601 times end there, and a time near Int64.max would not survive a `Date`
    /// (a fellow sending `set=9223372036854775807` trapped every master it reached).
    static let latestTime: Int64 = 253_402_300_799_999

    /// The words after `override`; nil when even without a reason it passes 255 bytes.
    func render() -> [UInt8]? {
        var line = "override \(host) \(record.stateName) set=\(record.setAt.milliseconds)"
        var reason = ""
        switch record {
        case .set(let override):
            if let end = override.expiresAt { line += " until=\(end.milliseconds)" }
            reason = override.reason
        case .removed(let tombstone):
            if tombstone.removedAt != tombstone.setAt { line += " removed=\(tombstone.removedAt.milliseconds)" }
        }
        if !record.setBy.isEmpty { line += " by=" + Self.encode(record.setBy) }
        var bytes = Array(line.utf8)
        guard bytes.count <= MasterView.maxStringLength else { return nil }
        let room = MasterView.maxStringLength - bytes.count - " reason=".utf8.count
        if !reason.isEmpty, room > 0 {
            var encoded: [UInt8] = []
            for character in reason {
                let piece = Array(Self.encode(String(character)).utf8)
                guard encoded.count + piece.count <= room else { break }
                encoded += piece
            }
            if !encoded.isEmpty { bytes += Array(" reason=".utf8) + encoded }
        }
        return bytes
    }

    /// `HOST STATE key=value...`: unknown keys are skipped; anything else off is `Malformed`.
    static func parse(_ words: [String]) throws(MasterView.Malformed) -> OverrideEntry {
        let line = quoted((["override"] + words).joined(separator: " "))
        func bad(_ why: String) -> MasterView.Malformed { MasterView.Malformed(description: "\(why) in \(line)") }
        guard words.count >= 2, words[0].hasSuffix("."), let host = try? DomainName(parsing: words[0]) else {
            throw bad("bad host")
        }
        // nil: `auto`, a tombstone.
        let state = OverrideState(rawValue: words[1])
        guard state != nil || words[1] == "auto" else { throw bad("bad state") }
        var fields: [String: String] = [:]
        for field in words.dropFirst(2) {
            let parts = field.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw bad("bad field") }
            fields[String(parts[0])] = String(parts[1])
        }
        guard let set = fields["set"].flatMap(Int64.init), (0...latestTime).contains(set) else {
            throw bad("missing or bad set time")
        }
        let by = try fields["by"].map { text throws(MasterView.Malformed) in
            guard let decoded = decode(text), decoded.count <= setterLimit else { throw bad("bad by") }
            return decoded
        } ?? ""
        let longest = Int64(OverrideRequest.longest)
        func end(_ key: String) throws(MasterView.Malformed) -> Date? {
            guard let text = fields[key] else { return nil }
            guard let value = Int64(text), value >= set, value - set <= longest else { throw bad("bad \(key) time") }
            return Date(milliseconds: value)
        }
        let setAt = Date(milliseconds: set)
        guard let state else {
            let removed = try end("removed") ?? setAt
            return OverrideEntry(host: host, record: .removed(Tombstone(setAt: setAt, setBy: by, removedAt: removed)))
        }
        let reason = try fields["reason"].map { text throws(MasterView.Malformed) in
            guard let decoded = decode(text), decoded.count <= OverrideRequest.reasonLimit else { throw bad("bad reason") }
            return decoded
        } ?? ""
        return OverrideEntry(host: host, record: .set(Override(state: state, reason: reason, setAt: setAt,
                                                               expiresAt: try end("until"), setBy: by)))
    }

    private static let hex = Array("0123456789ABCDEF".utf8)

    static func encode(_ text: String) -> String {
        var out: [UInt8] = []
        for byte in text.utf8 {
            if byte > 0x20, byte < 0x7f, byte != UInt8(ascii: "%") {
                out.append(byte)
            } else {
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0f)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// nil for a broken escape, bytes that are not UTF-8, or a control character (the reason
    /// goes into log lines and the status page, where a newline would forge a second line).
    static func decode(_ text: String) -> String? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(digit), let low = iterator.next().flatMap(digit) else { return nil }
            bytes.append(high << 4 | low)
        }
        guard let decoded = String(validating: bytes, as: UTF8.self),
              !decoded.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return nil }
        return decoded
    }

    private static func digit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
