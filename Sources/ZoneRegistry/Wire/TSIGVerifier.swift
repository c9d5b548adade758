/// Checks the TSIG of a received message (RFC 8945 §5.2 for requests, §5.4 for responses).
/// See `TSIGSigner` for the whole API.
enum TSIGVerifier {
    /// A request whose MAC and time checked out.
    struct Verified: Sendable, Equatable {
        var key: TSIGKey
        var algorithm: TSIGAlgorithm
        /// The MAC as received (truncated if it was): what the response's digest starts with.
        var requestMAC: [UInt8]
        var record: TSIGRecord
    }

    /// A request answered NOTAUTH with `error` in the TSIG (RFC 8945 §5.2.1-5.2.3).
    struct Rejection: Sendable, Equatable {
        var error: TSIGError
        var record: TSIGRecord
        /// Known for BADTIME only: its answer is signed (§5.3.2).
        var key: TSIGKey?
        var algorithm: TSIGAlgorithm?
    }

    enum RequestCheck: Sendable, Equatable {
        case unsigned
        case verified(Verified)
        case formErr
        case rejected(Rejection)
    }

    static func checkRequest(_ message: UnsafeRawBufferPointer, keyring: TSIGKeyring, now: UInt64) -> RequestCheck {
        switch TSIGRecord.locate(in: message) {
        case .absent: return .unsigned
        case .malformed: return .formErr
        case .found(let record): return checkRequest(message, record: record, keyring: keyring, now: now)
        }
    }

    /// The checks in RFC 8945 §5.2's order: key, MAC (with §5.2.2.1's truncation rules), time.
    static func checkRequest(_ message: UnsafeRawBufferPointer, record: TSIGRecord, keyring: TSIGKeyring,
                             now: UInt64) -> RequestCheck {
        guard let key = keyring[record.keyName], let algorithm = TSIGAlgorithm.named(record.algorithmName),
              key.accepts(algorithm)
        else { return .rejected(Rejection(error: .badKey, record: record)) }
        switch compare(message, record: record, key: key, algorithm: algorithm, prefix: .none) {
        case .formErr: return .formErr
        case .mismatch: return .rejected(Rejection(error: .badSig, record: record))
        case .match: break
        }
        guard withinFudge(record, now: now) else {
            return .rejected(Rejection(error: .badTime, record: record, key: key, algorithm: algorithm))
        }
        return .verified(Verified(key: key, algorithm: algorithm, requestMAC: record.mac, record: record))
    }

    enum ResponseCheck: Sendable, Equatable {
        case verified(mac: [UInt8])
        case failed(String)
    }

    /// A response to a request this side signed with `key` (RFC 8945 §5.4): it must be signed
    /// with the same key, carry no TSIG error, verify over `prefix` and be on time.
    static func checkResponse(_ message: UnsafeRawBufferPointer, key: TSIGKey, prefix: TSIGDigest.Prefix,
                              now: UInt64) -> ResponseCheck {
        let record: TSIGRecord
        switch TSIGRecord.locate(in: message) {
        case .absent: return .failed("unsigned response")
        case .malformed: return .failed("malformed TSIG record")
        case .found(let found): record = found
        }
        guard record.keyName == key.name, let algorithm = TSIGAlgorithm.named(record.algorithmName),
              key.accepts(algorithm) else { return .failed("response signed with another key") }
        guard record.error == .noError else { return .failed("server answered TSIG error \(record.error)") }
        guard compare(message, record: record, key: key, algorithm: algorithm, prefix: prefix) == .match else {
            return .failed("bad TSIG signature on the response")
        }
        guard withinFudge(record, now: now) else { return .failed("response signed outside the time fudge") }
        return .verified(mac: record.mac)
    }

    private enum Comparison { case match, mismatch, formErr }

    /// RFC 8945 §5.2.2.1: a MAC longer than the hash or shorter than the larger of 10 bytes
    /// and half the hash is FORMERR; a truncated one is compared with as many leading bytes
    /// of the local MAC. Local policy accepts every truncation the RFC allows (no BADTRUNC).
    private static func compare(_ message: UnsafeRawBufferPointer, record: TSIGRecord, key: TSIGKey,
                                algorithm: TSIGAlgorithm, prefix: TSIGDigest.Prefix) -> Comparison {
        let size = record.mac.count
        guard size <= algorithm.digest.outputSize, size >= algorithm.minimumMACSize,
              record.start >= WireLimit.headerSize, record.start <= message.count else { return .formErr }
        let additional = UInt16(message[10]) << 8 | UInt16(message[11])
        guard additional > 0 else { return .formErr }
        let variables = TSIGDigest.Variables(keyName: record.keyName, algorithm: record.algorithmName,
                                             timeSigned: record.timeSigned, fudge: record.fudge,
                                             error: record.error, otherData: record.otherData)
        guard let local = TSIGDigest.mac(secret: key.secret, digest: algorithm.digest, prefix: prefix,
                                         message: UnsafeRawBufferPointer(rebasing: message[0..<record.start]),
                                         originalID: record.originalID, additionalCount: additional - 1,
                                         variables: variables)
        else { return .mismatch }
        return HMACComputation.constantTimeEqual(Array(local.prefix(size)), record.mac) ? .match : .mismatch
    }

    /// RFC 8945 §5.2.3: the server's time within Time Signed ± Fudge.
    private static func withinFudge(_ record: TSIGRecord, now: UInt64) -> Bool {
        let distance = now > record.timeSigned ? now - record.timeSigned : record.timeSigned - now
        return distance <= UInt64(record.fudge)
    }
}
