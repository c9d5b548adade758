/// An operator's override of one peer (SPEC §11): `drain` answers as if the peer were down,
/// `up` as if it were healthy, whatever the probes say. No override is `auto`.
enum OverrideState: String, Sendable, Equatable, Codable, CaseIterable {
    case drain, up
}
