import Foundation

/// A fellow master's `_zoneregistry.Z` TXT strings (docs/quorum.md) through `MasterView.parse`
/// and, for the override strings, `OverrideSet.adopt`: what a hostile or broken fellow controls
/// once its answer is validly signed. The input is TXT RDATA: character-strings, each a length
/// byte and that many bytes (a short last one takes what is left).
///
/// Whatever the bytes: a view that parses renders to strings of at most 255 bytes that parse
/// again to the same serial, verdicts and overrides (a reason may come back cut, never
/// changed), and adopting its overrides in any order leaves the same set, so masters that
/// hear the same fellows in a different order still agree.
final class MasterViewFuzzer: FuzzChecker {
    /// A fixed clock, so an input always decides the same way.
    private static let now = Date(milliseconds: 1_764_662_400_000)

    func check(_ input: UnsafeRawBufferPointer) throws(FuzzViolation) {
        let view: MasterView
        do {
            view = try MasterView.parse(Self.strings(input))
        } catch {
            guard !error.description.isEmpty else { throw FuzzViolation("refused without a reason") }
            return
        }
        try checkRoundTrip(view)
        try checkAdoptionOrder(view.overrides)
    }

    static func strings(_ input: UnsafeRawBufferPointer) -> [[UInt8]] {
        var strings: [[UInt8]] = []
        var offset = 0
        while offset < input.count {
            let length = Int(input[offset])
            let end = min(offset + 1 + length, input.count)
            strings.append(Array(input[(offset + 1)..<end]))
            offset = end
        }
        return strings
    }

    private func checkRoundTrip(_ view: MasterView) throws(FuzzViolation) {
        let rendered = view.render()
        if let long = rendered.first(where: { $0.count > MasterView.maxStringLength }) {
            throw FuzzViolation("rendered a string of \(long.count) bytes")
        }
        let again: MasterView
        do {
            again = try MasterView.parse(rendered)
        } catch {
            throw FuzzViolation("its own rendering does not parse: \(error)")
        }
        guard again.serial == view.serial, again.verdicts == view.verdicts else {
            throw FuzzViolation("serial or verdicts changed through render and parse")
        }
        // An override string may be left out when its canonical form passes 255 bytes (a
        // percent-encoded `by`), and a reason cut to fit; nothing else may change.
        var originals = view.overrides[...]
        for entry in again.overrides {
            guard let index = originals.firstIndex(where: { Self.sameButReason($0, entry) }) else {
                throw FuzzViolation("override of \(entry.host) changed through render and parse")
            }
            originals = originals[originals.index(after: index)...]
        }
    }

    private static func sameButReason(_ original: OverrideEntry, _ echoed: OverrideEntry) -> Bool {
        guard original.host == echoed.host else { return false }
        switch (original.record, echoed.record) {
        case (.set(let a), .set(let b)):
            return a.state == b.state && a.setAt == b.setAt && a.expiresAt == b.expiresAt && a.setBy == b.setBy
                && a.reason.hasPrefix(b.reason)
        case (.removed(let a), .removed(let b)):
            return a == b
        default:
            return false
        }
    }

    private func checkAdoptionOrder(_ entries: [OverrideEntry]) throws(FuzzViolation) {
        guard entries.count > 1 else { return }
        var forward = OverrideSet()
        var backward = OverrideSet()
        for entry in entries { _ = forward.adopt(entry.record, for: entry.host.description, now: Self.now) }
        for entry in entries.reversed() { _ = backward.adopt(entry.record, for: entry.host.description, now: Self.now) }
        guard forward == backward else {
            throw FuzzViolation("adopting \(entries.count) overrides in reverse order gives another set")
        }
    }
}
