import Foundation

/// One operator override of one peer: what, why, by whom, until when.
struct Override: Sendable, Equatable, Codable {
    var state: OverrideState
    var reason: String
    var setAt: Date
    /// nil: until removed.
    var expiresAt: Date?
    /// The client address of the request that set it.
    var setBy: String
}

/// Every override in force, by peer host (lowercase, with the final dot), whatever zone the
/// peer is in: a cluster drained is drained in every zone that lists it. A selector override
/// is expanded into one entry per matching peer when it is set, so every entry is a peer, an
/// `undrain` of one peer undoes a selector drain for that peer, and the latest set wins.
/// Beside them, the recent removals (`tombstones`): a host has at most one of the two.
///
/// This is also the state file's content (`version` 1; a file without `tombstones` loads).
struct OverrideSet: Sendable, Equatable {
    var version = 1
    private(set) var peers: [String: Override] = [:]
    private(set) var tombstones: [String: Tombstone] = [:]

    /// How long a removal is remembered and published: longer than any partition between
    /// masters an operator would leave alone, short enough that the set stays small.
    static let tombstoneRetention: TimeInterval = 24 * 3600
    /// A fellow's set time further ahead of this master's clock than this is refused: it would
    /// win every later change. RFC 8945's fudge, the clock skew the exchange already accepts.
    static let futureSkew: TimeInterval = 300

    init() {}

    subscript(host: String) -> Override? { peers[host] }

    func record(for host: String) -> OverrideRecord? {
        peers[host].map(OverrideRecord.set) ?? tombstones[host].map(OverrideRecord.removed)
    }

    /// Every host's record, overrides and tombstones, sorted by host.
    var records: [(host: String, record: OverrideRecord)] {
        (peers.map { ($0.key, OverrideRecord.set($0.value)) } + tombstones.map { ($0.key, OverrideRecord.removed($0.value)) })
            .sorted { $0.0 < $1.0 }
    }

    mutating func set(_ override: Override, for host: String) {
        peers[host] = override
        tombstones[host] = nil
    }

    /// An operator's `auto`: the override (if any) goes, a tombstone set `at` takes its place.
    @discardableResult
    mutating func remove(_ host: String, at time: Date, by client: String) -> Override? {
        tombstones[host] = Tombstone(setAt: time, setBy: client, removedAt: time)
        return peers.removeValue(forKey: host)
    }

    /// Removes and returns the overrides whose time has come by `now`, each leaving a tombstone
    /// at its own set time; forgets the tombstones past retention.
    mutating func removeExpired(at now: Date) -> [(String, Override)] {
        let expired = peers.filter { $0.value.expiresAt.map { $0 <= now } ?? false }.sorted { $0.key < $1.key }
        for (host, override) in expired {
            peers[host] = nil
            tombstones[host] = Tombstone(setAt: override.setAt, setBy: override.setBy, removedAt: override.expiresAt ?? now)
        }
        tombstones = tombstones.filter { $0.value.removedAt.addingTimeInterval(Self.tombstoneRetention) > now }
        return expired
    }

    /// The next override expiry or tombstone retention end.
    var nextExpiry: Date? {
        (peers.values.compactMap(\.expiresAt) + tombstones.values.map { $0.removedAt.addingTimeInterval(Self.tombstoneRetention) }).min()
    }

    enum Adoption: Equatable {
        /// Now held for the host (an override already expired is held as its tombstone).
        case adopted(OverrideRecord)
        /// What this master holds is as late or later.
        case older
        /// Not accepted at all, and why.
        case refused(String)
    }

    /// A fellow master's record for `host`: taken when it `supersedes` what this set holds.
    mutating func adopt(_ offered: OverrideRecord, for host: String, now: Date) -> Adoption {
        guard offered.setAt <= now.addingTimeInterval(Self.futureSkew) else {
            return .refused("set time \(offered.setAt.milliseconds) is in the future")
        }
        var record = offered
        if case .set(let override) = offered, let end = override.expiresAt, end <= now {
            record = .removed(Tombstone(setAt: override.setAt, setBy: override.setBy, removedAt: end))
        }
        if case .removed(let tombstone) = record, tombstone.removedAt.addingTimeInterval(Self.tombstoneRetention) <= now {
            return .refused("removed more than \(Int(Self.tombstoneRetention / 3600)) h ago")
        }
        guard record.supersedes(self.record(for: host)) else { return .older }
        switch record {
        case .set(let override): set(override, for: host)
        case .removed(let tombstone):
            peers[host] = nil
            tombstones[host] = tombstone
        }
        return .adopted(record)
    }
}

/// The state file's JSON: sorted keys, ISO 8601 times to the millisecond (whole seconds without
/// a fraction, as older versions wrote them), one trailing newline.
extension OverrideSet: Codable {
    private enum CodingKeys: String, CodingKey {
        case version, peers, tombstones
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decode(Int.self, forKey: .version)
        peers = try container.decode([String: Override].self, forKey: .peers)
        // Files written before the masters exchanged overrides have none.
        tombstones = try container.decodeIfPresent([String: Tombstone].self, forKey: .tombstones) ?? [:]
    }

    func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Self.timestamp(date))
        }
        // Encoding plain strings and dates cannot fail.
        return Array((try? encoder.encode(self)) ?? Data("{}".utf8)) + [0x0a]
    }

    static func decode(_ data: Data) throws -> OverrideSet {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            // This style reads times with and without a fraction.
            guard let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad time \(quoted(text))"))
            }
            return date.wholeMilliseconds
        }
        let set = try decoder.decode(OverrideSet.self, from: data)
        guard set.version == 1 else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "unknown version \(set.version)"))
        }
        return set
    }

    /// `2026-12-02T10:00:00.123Z`; the formatter's own fraction can round 123 down to 122.
    private static func timestamp(_ date: Date) -> String {
        let milliseconds = date.milliseconds
        let (seconds, fraction) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        let whole = Date(timeIntervalSince1970: Double(fraction < 0 ? seconds - 1 : seconds)).formatted(.iso8601)
        let rest = fraction < 0 ? fraction + 1000 : fraction
        guard rest != 0 else { return whole }
        return String(whole.dropLast()) + "." + String(String(rest + 1000).dropFirst()) + "Z"
    }
}
