/// One peer's round across its addresses (SPEC §5: both are probed, either passing passes):
/// decided by the first pass, or by the last failure once every address has failed, when the
/// IPv4 address's cause (slot 0) is the one the log names. Pure; one per peer, reused every
/// round so a round allocates nothing.
struct RoundTally: Sendable, Equatable {
    private(set) var isOpen = false
    private var remaining = 0
    private var firstSlotFailure: ProbeVerdict?
    private var otherFailure: ProbeVerdict?

    /// Opens a round over `addresses` address probes (slots `0..<addresses`, IPv4 first).
    mutating func begin(addresses: Int) {
        isOpen = addresses > 0
        remaining = addresses
        firstSlotFailure = nil
        otherFailure = nil
    }

    /// Takes one address's verdict; returns the round's verdict when this one decides it,
    /// nil while undecided or once already decided (a late verdict changes nothing).
    mutating func record(_ verdict: ProbeVerdict, slot: Int) -> ProbeVerdict? {
        guard isOpen else { return nil }
        remaining -= 1
        if verdict.passed {
            isOpen = false
            return .pass
        }
        if slot == 0 { firstSlotFailure = verdict } else if otherFailure == nil { otherFailure = verdict }
        guard remaining == 0 else { return nil }
        isOpen = false
        return firstSlotFailure ?? otherFailure ?? verdict
    }

    /// Ends the round without a verdict (monitor stopped).
    mutating func abandon() {
        isOpen = false
    }
}
