import Foundation

/// What the TSIG checks (RFC 8945 §5.2) decided about one query before it is answered.
enum TSIGAuthentication {
    case unsigned
    /// Answer normally, then sign the response over the request's MAC (§5.3).
    case verified(TSIGVerifier.Verified)
    /// NOTAUTH with the TSIG error (§5.2.1-5.2.3, signed only for BADTIME, §5.3.2).
    case rejected(TSIGVerifier.Rejection)
    /// FORMERR (a malformed TSIG, §5.2) or REFUSED (unsigned where `require` asks for it).
    case refused(Rcode)

    /// The RCODE answered instead of the handlers' answer, if any.
    var refusal: Rcode? {
        switch self {
        case .unsigned, .verified: return nil
        case .rejected: return .notAuth
        case .refused(let rcode): return rcode
        }
    }

    /// Bytes the response keeps free for its TSIG RR.
    var recordSize: Int {
        switch self {
        case .unsigned, .refused: return 0
        case .verified(let verified):
            return TSIGSigner.recordSize(for: verified.key, algorithm: verified.algorithm)
        case .rejected(let rejection):
            let macSize = rejection.error == .badTime ? rejection.algorithm?.digest.outputSize ?? 0 : 0
            return TSIGSigner.recordSize(keyName: rejection.record.keyName, algorithm: rejection.record.algorithmName,
                                         macSize: macSize, otherDataLength: 6)
        }
    }
}

extension QueryResponder {
    /// Seconds since the epoch, as TSIG's Time Signed counts them.
    static func wallClock() -> UInt64 { UInt64(max(0, Date().timeIntervalSince1970)) }

    /// Runs only for signed queries and for blocks with `tsig`: the unsigned hot path pays
    /// one comparison.
    func authenticate(_ query: ParsedQuery, _ bytes: UnsafeRawBufferPointer, tsig: BlockTSIG?) -> TSIGAuthentication {
        guard let start = query.tsigStart else {
            guard let tsig, tsig.requiresSignature(qtype: query.qtype, name: name) else { return .unsigned }
            return .refused(.refused)
        }
        guard let record = TSIGRecord.read(bytes, at: start) else { return .refused(.formErr) }
        switch TSIGVerifier.checkRequest(bytes, record: record, keyring: tsig?.keyring ?? TSIGKeyring(), now: clock()) {
        case .unsigned: return .unsigned
        case .formErr: return .refused(.formErr)
        case .verified(let verified): return .verified(verified)
        case .rejected(let rejection): return .rejected(rejection)
        }
    }

    /// Appends the response's TSIG RR after `finish`; a response that cannot carry it is dropped
    /// rather than sent unsigned (RFC 8945 §5.3: the answer to a signed request is signed).
    func sign(_ response: UnsafeMutableRawBufferPointer, _ authentication: TSIGAuthentication,
              outcome: inout QueryOutcome) {
        var length: Int?
        switch authentication {
        case .unsigned, .refused:
            return
        case .verified(let verified):
            length = TSIGSigner.sign(response, length: outcome.length, key: verified.key, algorithm: verified.algorithm,
                                     mode: .response(requestMAC: verified.requestMAC), time: clock(),
                                     originalID: verified.record.originalID)?.length
        case .rejected(let rejection):
            length = TSIGSigner.signError(response, length: outcome.length, rejection: rejection, time: clock())
        }
        outcome.length = length ?? 0
    }
}
