import Foundation
import Testing
@testable import ZoneRegistry

/// The state file: written whole or not at all, read back as written, never fatal at start.
@Suite struct OverrideStateFileTests {
    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("zr-state-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static var sample: OverrideSet {
        var set = OverrideSet()
        set.set(Override(state: .drain, reason: "kernel upgrade", setAt: Date(timeIntervalSince1970: 1_800_000_000),
                         expiresAt: Date(timeIntervalSince1970: 1_800_000_180), setBy: "127.0.0.1:5000"),
                for: "prod1.example.test.")
        set.set(Override(state: .up, reason: "", setAt: Date(timeIntervalSince1970: 1_800_000_000), expiresAt: nil,
                         setBy: "[::1]:6000"), for: "dev1.example.test.")
        return set
    }

    @Test func tombstonesAndMillisecondsAreKept() throws {
        var set = Self.sample
        set.remove("qa1.example.test.", at: Date(milliseconds: 1_800_000_000_123), by: "127.0.0.1:7000")
        set.set(Override(state: .drain, reason: "", setAt: Date(milliseconds: 1_800_000_000_999), expiresAt: nil, setBy: "a"),
                for: "prod2.example.test.")
        let path = try Self.directory().appendingPathComponent("overrides.json").path
        try StateFile.save(set, to: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("\"setAt\" : \"2027-01-15T08:00:00.123Z\"") && text.contains("\"tombstones\""), "\(text)")
        #expect(StateFile.load(path) == .loaded(set))
    }

    @Test func aFileFromBeforeTombstonesLoads() throws {
        let path = try Self.directory().appendingPathComponent("overrides.json").path
        try #"""
        {
          "peers" : {
            "prod1.example.test." : {
              "expiresAt" : "2027-01-15T08:03:00Z", "reason" : "kernel upgrade", "setAt" : "2027-01-15T08:00:00Z",
              "setBy" : "127.0.0.1:5000", "state" : "drain"
            },
            "dev1.example.test." : { "reason" : "", "setAt" : "2027-01-15T08:00:00Z", "setBy" : "[::1]:6000", "state" : "up" }
          },
          "version" : 1
        }
        """#.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(StateFile.load(path) == .loaded(Self.sample))
    }

    @Test func savesAndLoadsTheSameSet() throws {
        let path = try Self.directory().appendingPathComponent("overrides.json").path
        try StateFile.save(Self.sample, to: path)
        #expect(StateFile.load(path) == .loaded(Self.sample))
        let names = try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent)
        #expect(names == ["overrides.json"], "no temporary file left behind")
    }

    @Test func aMissingFileIsAnEmptyStart() throws {
        #expect(StateFile.load(try Self.directory().appendingPathComponent("none.json").path) == .missing)
    }

    @Test func aCorruptFileIsKeptAsideNotOverwritten() throws {
        let directory = try Self.directory()
        let path = directory.appendingPathComponent("overrides.json").path
        try "{\"version\":1,\"peers\":{\"p.\":{\"state\":\"sideways\"".write(toFile: path, atomically: true, encoding: .utf8)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        guard case .corrupt(_, let kept) = StateFile.load(path, now: now) else {
            Issue.record("not reported corrupt")
            return
        }
        #expect(kept == "\(path).corrupt-1800000000")
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try String(contentsOfFile: kept ?? "", encoding: .utf8).contains("sideways"))
    }

    @Test func anUnknownVersionIsCorrupt() throws {
        let path = try Self.directory().appendingPathComponent("overrides.json").path
        try #"{"version":2,"peers":{}}"#.write(toFile: path, atomically: true, encoding: .utf8)
        guard case .corrupt(let reason, _) = StateFile.load(path) else {
            Issue.record("version 2 accepted")
            return
        }
        #expect(reason == "unknown version 2")
    }

    @Test func expiredOverridesAreRemovedAtTheirTime() {
        var set = Self.sample
        #expect(set.nextExpiry == Date(timeIntervalSince1970: 1_800_000_180))
        #expect(set.removeExpired(at: Date(timeIntervalSince1970: 1_800_000_179)).isEmpty)
        let expired = set.removeExpired(at: Date(timeIntervalSince1970: 1_800_000_180))
        #expect(expired.map(\.0) == ["prod1.example.test."])
        #expect(set["prod1.example.test."] == nil && set["dev1.example.test."]?.state == .up)
        #expect(set.nextExpiry == Date(timeIntervalSince1970: 1_800_000_180 + 24 * 3600), "the tombstone's retention")
    }

    @Test func anUnwritableDirectoryIsAnErrorNotACrash() {
        #expect(throws: AtomicFile.WriteError.self) { try StateFile.save(Self.sample, to: "/nonexistent/dir/overrides.json") }
    }
}
