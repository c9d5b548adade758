/// One master's published view at `_zoneregistry.Z` TXT (SPEC §9, docs/quorum.md): one
/// character-string per entry, each a space-separated line whose first word says its kind:
///
///     serial 1764662400
///     prod1.service.example.net. up round=12 age=3
///     override prod1.service.example.net. drain set=1764662400123 by=127.0.0.1:40312   (SPEC §11)
///
/// A first word ending in "." is a peer host (hosts are absolute names); any other first word
/// is a keyword. Kinds this master does not know are kept as `.other` and ignored, so a view
/// from a newer master still parses; adding a kind is one case here and one in `render`.
struct MasterView: Sendable, Equatable {
    /// A peer as this master's own probes see it (rise/fall applied).
    struct Verdict: Sendable, Equatable {
        var host: DomainName
        var up: Bool
        /// Probe rounds finished for this peer since this master started.
        var round: Int
        /// Seconds since that round's verdict.
        var age: Int
    }

    enum Entry: Sendable, Equatable {
        case serial(UInt32)
        case peer(Verdict)
        /// `override HOST STATE ...`: an operator override or a tombstone (SPEC §11).
        case override(OverrideEntry)
        case other(String)
    }

    var entries: [Entry]
    /// Why each malformed `override` string was left out: one bad string from a fellow must
    /// not cost the whole view (its votes), nor be adopted.
    var ignored: [String] = []

    var serial: UInt32? {
        for case .serial(let value) in entries { return value }
        return nil
    }

    var verdicts: [Verdict] {
        entries.compactMap { if case .peer(let verdict) = $0 { verdict } else { nil } }
    }

    var overrides: [OverrideEntry] {
        entries.compactMap { if case .override(let entry) = $0 { entry } else { nil } }
    }

    /// A TXT character-string holds at most 255 bytes (RFC 1035 §3.3).
    static let maxStringLength = 255

    /// The strings to publish; a peer whose line would pass 255 bytes (a host near the
    /// 253-character limit) is left out, so the fellows do not vote on it; likewise an
    /// override (whose reason is cut first, `OverrideEntry.render`).
    func render() -> [[UInt8]] {
        entries.compactMap { entry -> [UInt8]? in
            let line: String
            switch entry {
            case .serial(let value): line = "serial \(value)"
            case .peer(let verdict):
                line = "\(verdict.host) \(verdict.up ? "up" : "down") round=\(verdict.round) age=\(verdict.age)"
            case .override(let entry): return entry.render()
            case .other(let text): line = text
            }
            let bytes = Array(line.utf8)
            return bytes.count <= Self.maxStringLength ? bytes : nil
        }
    }

    /// Why a fellow's strings are not a view: the fellow is then treated as stale.
    struct Malformed: Error, Equatable, CustomStringConvertible {
        var description: String
    }

    static func parse(_ strings: [[UInt8]]) throws(Malformed) -> MasterView {
        var entries: [Entry] = []
        var ignored: [String] = []
        var serials = 0
        for bytes in strings {
            guard let text = String(validating: bytes, as: UTF8.self) else { throw Malformed(description: "a string is not UTF-8") }
            let words = text.split(separator: " ").map(String.init)
            guard let first = words.first else { throw Malformed(description: "an empty string") }
            if first.hasSuffix(".") {
                entries.append(.peer(try verdict(words)))
            } else if first == "serial" {
                guard words.count == 2, let value = UInt32(words[1]) else {
                    throw Malformed(description: "bad serial string \(quoted(text))")
                }
                serials += 1
                entries.append(.serial(value))
            } else if first == "override" {
                do {
                    entries.append(.override(try OverrideEntry.parse(Array(words.dropFirst()))))
                } catch {
                    ignored.append(error.description)
                }
            } else {
                entries.append(.other(text))
            }
        }
        guard serials == 1 else { throw Malformed(description: serials == 0 ? "no serial" : "more than one serial") }
        return MasterView(entries: entries, ignored: ignored)
    }

    /// `HOST up|down round=N age=SECONDS`; unknown `key=value` fields are skipped.
    private static func verdict(_ words: [String]) throws(Malformed) -> Verdict {
        let line = quoted(words.joined(separator: " "))
        guard words.count >= 2, let host = try? DomainName(parsing: words[0]) else {
            throw Malformed(description: "bad peer string \(line)")
        }
        guard words[1] == "up" || words[1] == "down" else { throw Malformed(description: "bad state in \(line)") }
        var verdict = Verdict(host: host, up: words[1] == "up", round: 0, age: 0)
        for field in words.dropFirst(2) {
            let parts = field.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { throw Malformed(description: "bad field in \(line)") }
            switch parts[0] {
            case "round": verdict.round = Int(parts[1]) ?? -1
            case "age": verdict.age = Int(parts[1]) ?? -1
            default: continue
            }
            guard verdict.round >= 0, verdict.age >= 0 else { throw Malformed(description: "bad number in \(line)") }
        }
        return verdict
    }
}
