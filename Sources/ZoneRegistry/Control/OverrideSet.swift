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
///
/// This is also the state file's content (`version` 1).
struct OverrideSet: Sendable, Equatable, Codable {
    var version = 1
    private(set) var peers: [String: Override] = [:]

    subscript(host: String) -> Override? { peers[host] }

    mutating func set(_ override: Override, for host: String) {
        peers[host] = override
    }

    @discardableResult
    mutating func remove(_ host: String) -> Override? {
        peers.removeValue(forKey: host)
    }

    /// Removes and returns the overrides whose time has come by `now`.
    mutating func removeExpired(at now: Date) -> [(String, Override)] {
        let expired = peers.filter { $0.value.expiresAt.map { $0 <= now } ?? false }.sorted { $0.key < $1.key }
        for (host, _) in expired { peers[host] = nil }
        return expired
    }

    var nextExpiry: Date? { peers.values.compactMap(\.expiresAt).min() }

    /// The state file's bytes: JSON, sorted keys, ISO 8601 times, one trailing newline.
    func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        // Encoding plain strings and dates cannot fail.
        return Array((try? encoder.encode(self)) ?? Data("{}".utf8)) + [0x0a]
    }

    static func decode(_ data: Data) throws -> OverrideSet {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let set = try decoder.decode(OverrideSet.self, from: data)
        guard set.version == 1 else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "unknown version \(set.version)"))
        }
        return set
    }
}
