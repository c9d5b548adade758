import Foundation

/// The control state file (`state_file`): overrides kept across restarts.
///
/// Reading it at start never stops the daemon: a missing or unreadable file is an empty set
/// and a log line; a file that does not parse is renamed aside (`FILE.corrupt-TIMESTAMP`) so
/// the operator can look at it, and is never overwritten.
enum StateFile {
    enum Loaded: Equatable {
        case loaded(OverrideSet)
        case missing
        case unreadable(String)
        /// Did not parse; kept at `keptAs` (nil when even the rename failed).
        case corrupt(reason: String, keptAs: String?)
    }

    static func load(_ path: String, now: Date = Date()) -> Loaded {
        guard FileManager.default.fileExists(atPath: path) else { return .missing }
        guard let data = FileManager.default.contents(atPath: path) else { return .unreadable("permission denied or not a file") }
        do {
            return .loaded(try OverrideSet.decode(data))
        } catch {
            let stamp = Int(now.timeIntervalSince1970)
            let aside = "\(path).corrupt-\(stamp)"
            let kept = rename(path, aside) == 0 ? aside : nil
            return .corrupt(reason: describe(error), keptAs: kept)
        }
    }

    static func save(_ set: OverrideSet, to path: String) throws(AtomicFile.WriteError) {
        try AtomicFile.write(set.encoded(), to: path)
    }

    /// One line: Foundation's decoding errors carry a coding path and a debug text.
    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context):
            return context.debugDescription
        case DecodingError.keyNotFound(let key, _):
            return "missing field \(key.stringValue)"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        default:
            return "not JSON"
        }
    }
}
