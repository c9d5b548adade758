/// A TSIG algorithm this server implements (RFC 8945 §6): the HMAC names, each tied to its
/// hash. HMAC-MD5 is not offered (RFC 8945 §6 lists it as deprecated).
struct TSIGAlgorithm: Sendable, Hashable, CustomStringConvertible {
    /// The algorithm's domain name, lowercase (`hmac-sha256.`); compared in canonical form.
    let name: DomainName
    let digest: HMACDigest

    static let hmacSHA1 = TSIGAlgorithm(text: "hmac-sha1", digest: .sha1)
    static let hmacSHA224 = TSIGAlgorithm(text: "hmac-sha224", digest: .sha224)
    static let hmacSHA256 = TSIGAlgorithm(text: "hmac-sha256", digest: .sha256)
    static let hmacSHA384 = TSIGAlgorithm(text: "hmac-sha384", digest: .sha384)
    static let hmacSHA512 = TSIGAlgorithm(text: "hmac-sha512", digest: .sha512)
    static let all = [hmacSHA1, hmacSHA224, hmacSHA256, hmacSHA384, hmacSHA512]

    private init(text: String, digest: HMACDigest) {
        // The names above are valid by construction.
        name = (try? DomainName(parsing: text)) ?? .root
        self.digest = digest
    }

    /// `hmac-sha256` or `hmac-sha256.`, any case; nil for anything else.
    static func named(_ text: String) -> TSIGAlgorithm? {
        guard let name = try? DomainName(parsing: text) else { return nil }
        return named(name)
    }

    static func named(_ name: DomainName) -> TSIGAlgorithm? {
        all.first { $0.name == name }
    }

    /// RFC 8945 §5.2.2.1: a MAC may be cut down to the larger of 10 bytes and half the hash.
    var minimumMACSize: Int { max(10, digest.outputSize / 2) }

    var description: String { String(name.description.dropLast()) }
}

/// A shared TSIG secret (RFC 8945 §3). Its description names the key and algorithm only:
/// a secret is never printed, logged or compared except through `HMACComputation`.
struct TSIGKey: Sendable, Equatable, CustomStringConvertible {
    /// The key's name, lowercase: requests name it in the TSIG owner (RFC 8945 §4.2).
    let name: DomainName
    /// The algorithm the key is bound to; nil accepts any of `TSIGAlgorithm.all` (CoreDNS's
    /// `secret NAME KEY` carries none) and signs outgoing messages with HMAC-SHA256.
    let algorithm: TSIGAlgorithm?
    let secret: [UInt8]

    init(name: DomainName, algorithm: TSIGAlgorithm?, secret: [UInt8]) {
        self.name = name
        self.algorithm = algorithm
        self.secret = secret
    }

    /// What this key signs outgoing requests with.
    var signingAlgorithm: TSIGAlgorithm { algorithm ?? .hmacSHA256 }

    /// Whether a message signed with `candidate` may be checked with this key.
    func accepts(_ candidate: TSIGAlgorithm) -> Bool {
        algorithm.map { $0 == candidate } ?? true
    }

    static func == (a: TSIGKey, b: TSIGKey) -> Bool {
        a.name == b.name && a.algorithm == b.algorithm && HMACComputation.constantTimeEqual(a.secret, b.secret)
    }

    var description: String { "\(name) (\(signingAlgorithm))" }
}

/// The keys one server block knows, by name.
struct TSIGKeyring: Sendable, Equatable {
    private(set) var keys: [DomainName: TSIGKey] = [:]

    init(_ keys: [TSIGKey] = []) {
        for key in keys { self.keys[key.name] = key }
    }

    var isEmpty: Bool { keys.isEmpty }

    subscript(name: DomainName) -> TSIGKey? { keys[name] }
}
