/// `tsig [ZONE...] { secret NAME BASE64; secrets FILE; require [QTYPE...|all|none] }`
/// (CoreDNS's `tsig` plugin): the block's keys, and which queries must be signed.
struct TSIGDirective: Sendable, Equatable {
    /// The zones `require` applies to; the server block's zones when none are written.
    var zones: [DomainName]
    var keyring: TSIGKeyring
    var require: TSIGRequirement = .none
    var location: SourceLocation

    /// Whether an unsigned query for `qtype` under one of `zones` is REFUSED.
    func requiresSignature(qtype: RecordType) -> Bool {
        switch require {
        case .none: return false
        case .all: return true
        case .types(let types): return types.contains(qtype.rawValue)
        }
    }
}

/// `require`: which query types must be signed. CoreDNS's default is none.
enum TSIGRequirement: Sendable, Equatable {
    case none
    case all
    case types(Set<UInt16>)
}
