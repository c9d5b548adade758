import Foundation
import Testing
@testable import ZoneRegistry

/// The `override` strings of a master's view (SPEC §11 with `quorum`, docs/quorum.md): what a
/// fellow needs to reproduce an override or a removal, in at most 255 bytes (RFC 1035 §3.3).
@Suite struct OverrideEntryTests {
    static let host = name("prod1.service.example.net")
    static let set = Date(milliseconds: 1_764_662_400_123)

    static func drain(reason: String, until: Int64? = 1_764_662_403_123) -> OverrideEntry {
        OverrideEntry(host: host, record: .set(Override(state: .drain, reason: reason, setAt: set,
                                                        expiresAt: until.map(Date.init(milliseconds:)), setBy: "127.0.0.1:40312")))
    }

    private func text(_ entry: OverrideEntry) -> String { String(decoding: entry.render() ?? [], as: UTF8.self) }

    private func parse(_ line: String) throws -> OverrideEntry {
        let words = line.split(separator: " ").map(String.init)
        #expect(words.first == "override")
        return try OverrideEntry.parse(Array(words.dropFirst()))
    }

    @Test func anOverrideAndATombstoneRoundTrip() throws {
        let drain = Self.drain(reason: "maint window 100%")
        #expect(text(drain) == "override prod1.service.example.net. drain set=1764662400123 until=1764662403123 by=127.0.0.1:40312 reason=maint%20window%20100%25")
        #expect(try parse(text(drain)) == drain)

        let expiry = OverrideEntry(host: Self.host, record: .removed(Tombstone(setAt: Self.set, setBy: "[::1]:6000",
                                                                              removedAt: Date(milliseconds: 1_764_662_403_123))))
        #expect(text(expiry) == "override prod1.service.example.net. auto set=1764662400123 removed=1764662403123 by=[::1]:6000")
        #expect(try parse(text(expiry)) == expiry)

        let undrain = OverrideEntry(host: Self.host, record: .removed(Tombstone(setAt: Self.set, setBy: "127.0.0.1:1", removedAt: Self.set)))
        #expect(text(undrain) == "override prod1.service.example.net. auto set=1764662400123 by=127.0.0.1:1")
        #expect(try parse(text(undrain)) == undrain)
    }

    @Test func aLongReasonIsCutToFit255BytesWithoutBreakingACharacter() throws {
        let reason = String(repeating: "é ", count: 128)
        let bytes = try #require(Self.drain(reason: reason).render())
        #expect(bytes.count <= 255 && bytes.count > 240)
        guard case .set(let back) = try parse(String(decoding: bytes, as: UTF8.self)).record else {
            Issue.record("not an override")
            return
        }
        #expect(!back.reason.isEmpty && reason.hasPrefix(back.reason))
    }

    @Test func aHostTooLongForAnyReasonIsLeftOut() throws {
        let long = try DomainName(parsing: (0..<4).map { _ in String(repeating: "a", count: 60) }.joined(separator: ".") + ".example")
        let entry = OverrideEntry(host: long, record: Self.drain(reason: "x").record)
        #expect(entry.render() == nil)
        #expect(MasterView(entries: [.serial(1), .override(entry)]).render().count == 1)
    }

    @Test func unknownFieldsAreSkipped() throws {
        let entry = try parse("override prod1.service.example.net. up set=5 weight=3 by=a")
        #expect(entry.record == .set(Override(state: .up, reason: "", setAt: Date(milliseconds: 5), expiresAt: nil, setBy: "a")))
    }

    @Test(arguments: [
        "override prod1 drain set=5",
        "override prod1.service.example.net. sideways set=5",
        "override prod1.service.example.net. drain",
        "override prod1.service.example.net. drain set=-5",
        // Past year 9999: no Date holds it to the millisecond (this once trapped every master).
        "override prod1.service.example.net. drain set=9223372036854775807",
        "override prod1.service.example.net. auto set=253402300800000",
        "override prod1.service.example.net. drain set=5 until=4",
        "override prod1.service.example.net. drain set=0 until=2592000001",
        "override prod1.service.example.net. drain set=5 junk",
        "override prod1.service.example.net. drain set=5 reason=bad%2",
        "override prod1.service.example.net. drain set=5 reason=line%0Aforged",
        "override prod1.service.example.net. drain set=5 reason=%FF",
        "override prod1.service.example.net. auto set=9 removed=3",
        "override prod1.service.example.net.",
    ])
    func malformedStringsAreIgnoredAndTheViewKept(line: String) throws {
        #expect(throws: MasterView.Malformed.self) { try parse(line) }
        let view = try MasterView.parse([Array("serial 7".utf8), Array("prod2.example.net. up round=1 age=0".utf8), Array(line.utf8)])
        #expect(view.serial == 7 && view.verdicts.count == 1 && view.overrides.isEmpty && view.ignored.count == 1)
    }
}
