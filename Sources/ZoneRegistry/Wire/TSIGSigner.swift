/// TSIG (RFC 8945) for this server: the API other parts build on.
///
/// Types (all in `Wire/`, pure, no I/O; HMAC comes from OpenSSL through `Loop/HMAC.swift`):
/// - `TSIGKey` (name, optional algorithm, secret; its description never shows the secret),
///   `TSIGKeyring` (a block's keys by name), `TSIGAlgorithm` (hmac-sha1/224/256/384/512).
///   The `tsig` directive yields `TSIGDirective` (Config/) whose `keyring` is one of these.
/// - `TSIGRecord`: a received TSIG RR. `TSIGRecord.locate(in: message)` → `.absent`,
///   `.found(record)`, `.malformed` (not last, duplicated, unreadable: FORMERR).
/// - Signing (`TSIGSigner`), all appending the TSIG RR at `length`, bumping ARCOUNT and
///   returning the new length and the MAC, or nil when it does not fit in `buffer`:
///   - a request (the exchange client, NOTIFY):
///     `TSIGSigner.sign(buffer, length: n, key: key, mode: .request, time: now)`
///   - a response to a verified request: `mode: .response(requestMAC: verified.requestMAC)`
///   - a later message of a multi-message response (AXFR/IXFR, RFC 8945 §5.3.1; digest =
///     prior MAC + message + timers only): `mode: .subsequent(priorMAC: macOfPreviousMessage)`.
///     `TSIGStream` keeps that chain for you: `var s = TSIGStream(key:requestMAC:)`, then
///     `s.sign(buffer, length:, time:)` per message, in order.
///   - `[UInt8]` messages: `TSIGSigner.sign(&bytes, key:, mode:, time:)` → MAC.
///   - `TSIGSigner.recordSize(for: key)`: bytes to keep free at the end of a message for it.
/// - Verifying (`TSIGVerifier`):
///   - a request: `checkRequest(message, keyring:, now:)` → `.unsigned`, `.verified(v)` (v.key,
///     v.algorithm, v.requestMAC to sign the answer with), `.formErr`, `.rejected(r)` (answer
///     NOTAUTH with `TSIGSigner.signError(...)`: BADKEY/BADSIG unsigned with MAC size 0,
///     BADTIME signed, with the server's time in Other Data — RFC 8945 §5.2, §5.3.2).
///   - a response (client side): `checkResponse(message, key:, prefix: .requestMAC(mac) or
///     .priorMAC(mac), now:)` → `.verified(mac:)` or `.failed(reason)`.
/// Times are seconds since the epoch; the fudge is 300 s (`TSIGSigner.defaultFudge`).
enum TSIGSigner {
    enum Mode: Sendable {
        case request
        case response(requestMAC: [UInt8])
        case subsequent(priorMAC: [UInt8])

        var prefix: TSIGDigest.Prefix {
            switch self {
            case .request: return .none
            case .response(let mac): return .requestMAC(mac)
            case .subsequent(let mac): return .priorMAC(mac)
            }
        }
    }

    struct Signed: Sendable, Equatable {
        var length: Int
        var mac: [UInt8]
    }

    /// RFC 8945 §10 recommends 300 s.
    static let defaultFudge: UInt16 = 300

    /// The TSIG RR's size: owner, type/class/TTL/RDLENGTH, then the RDATA of §4.2.
    static func recordSize(keyName: DomainName, algorithm: DomainName, macSize: Int, otherDataLength: Int) -> Int {
        keyName.wire.count + 10 + algorithm.wire.count + 6 + 2 + 2 + macSize + 2 + 2 + 2 + otherDataLength
    }

    /// Room for a signed record with this key (a BADTIME answer's 6 bytes of Other Data included).
    static func recordSize(for key: TSIGKey, algorithm: TSIGAlgorithm? = nil) -> Int {
        let algorithm = algorithm ?? key.signingAlgorithm
        return recordSize(keyName: key.name, algorithm: algorithm.name, macSize: algorithm.digest.outputSize,
                          otherDataLength: 6)
    }

    /// Signs the message `buffer[0..<length]` (see the overview above).
    static func sign(_ buffer: UnsafeMutableRawBufferPointer, length: Int, key: TSIGKey,
                     algorithm: TSIGAlgorithm? = nil, mode: Mode, time: UInt64, fudge: UInt16 = defaultFudge,
                     error: TSIGError = .noError, otherData: [UInt8] = [], originalID: UInt16? = nil) -> Signed? {
        guard length >= WireLimit.headerSize, length <= buffer.count else { return nil }
        let algorithm = algorithm ?? key.signingAlgorithm
        let id = originalID ?? u16(buffer, at: 0)
        let variables = TSIGDigest.Variables(keyName: key.name, algorithm: algorithm.name, timeSigned: time,
                                             fudge: fudge, error: error, otherData: otherData)
        guard let mac = TSIGDigest.mac(secret: key.secret, digest: algorithm.digest, prefix: mode.prefix,
                                       message: UnsafeRawBufferPointer(rebasing: buffer[0..<length]),
                                       originalID: id, additionalCount: u16(buffer, at: 10), variables: variables),
              let end = append(buffer, at: length, variables: variables, mac: mac, originalID: id)
        else { return nil }
        return Signed(length: end, mac: mac)
    }

    /// The same for a message held in an array, which grows by the record; returns the MAC.
    static func sign(_ message: inout [UInt8], key: TSIGKey, algorithm: TSIGAlgorithm? = nil, mode: Mode,
                     time: UInt64, fudge: UInt16 = defaultFudge) -> [UInt8]? {
        let length = message.count
        message.append(contentsOf: [UInt8](repeating: 0, count: recordSize(for: key, algorithm: algorithm)))
        let signed = message.withUnsafeMutableBytes {
            sign($0, length: length, key: key, algorithm: algorithm, mode: mode, time: time, fudge: fudge)
        }
        message.removeLast(message.count - (signed?.length ?? length))
        return signed?.mac
    }

    /// The TSIG of a NOTAUTH answer to `rejection` (RFC 8945 §5.3.2): BADKEY and BADSIG
    /// unsigned (MAC size 0, the request's names and time); BADTIME signed with the key,
    /// Time Signed from the request and the server's `time` in Other Data (§5.2.3).
    static func signError(_ buffer: UnsafeMutableRawBufferPointer, length: Int, rejection: TSIGVerifier.Rejection,
                          time: UInt64) -> Int? {
        let record = rejection.record
        if rejection.error == .badTime, let key = rejection.key, let algorithm = rejection.algorithm {
            return sign(buffer, length: length, key: key, algorithm: algorithm,
                        mode: .response(requestMAC: record.mac), time: record.timeSigned, fudge: record.fudge,
                        error: .badTime, otherData: TSIGDigest.otherData(time: time),
                        originalID: record.originalID)?.length
        }
        let variables = TSIGDigest.Variables(keyName: record.keyName, algorithm: record.algorithmName,
                                             timeSigned: record.timeSigned, fudge: record.fudge,
                                             error: rejection.error, otherData: [])
        return append(buffer, at: length, variables: variables, mac: [], originalID: record.originalID)
    }

    /// Writes the RR at `offset` and counts it in ARCOUNT; nil when it does not fit.
    private static func append(_ buffer: UnsafeMutableRawBufferPointer, at offset: Int,
                               variables: TSIGDigest.Variables, mac: [UInt8], originalID: UInt16) -> Int? {
        let size = recordSize(keyName: variables.keyName, algorithm: variables.algorithm, macSize: mac.count,
                              otherDataLength: variables.otherData.count)
        guard offset + size <= buffer.count else { return nil }
        var bytes: [UInt8] = variables.keyName.wire
        bytes.reserveCapacity(size)
        put(&bytes, RecordType.tsig.rawValue)
        put(&bytes, TSIGRecord.recordClass.rawValue)
        bytes += [0, 0, 0, 0]
        put(&bytes, UInt16(size - variables.keyName.wire.count - 10))
        bytes += variables.algorithm.wire
        bytes += TSIGDigest.timers(variables)
        put(&bytes, UInt16(mac.count))
        bytes += mac
        put(&bytes, originalID)
        put(&bytes, variables.error.rawValue)
        put(&bytes, UInt16(variables.otherData.count))
        bytes += variables.otherData
        for (index, byte) in bytes.enumerated() { buffer[offset + index] = byte }
        let count = u16(buffer, at: 10) &+ 1
        buffer[10] = UInt8(count >> 8)
        buffer[11] = UInt8(count & 0xff)
        return offset + size
    }

    private static func put(_ bytes: inout [UInt8], _ value: UInt16) {
        bytes.append(UInt8(value >> 8))
        bytes.append(UInt8(value & 0xff))
    }

    private static func u16(_ buffer: UnsafeMutableRawBufferPointer, at offset: Int) -> UInt16 {
        UInt16(buffer[offset]) << 8 | UInt16(buffer[offset + 1])
    }
}

/// The signer's side of a multi-message response (AXFR/IXFR over TCP, RFC 8945 §5.3.1): the
/// first message is signed as a response to the request, each later one over the previous
/// MAC, the message and the timers only. Sign the messages in the order they are sent.
struct TSIGStream: Sendable {
    let key: TSIGKey
    let algorithm: TSIGAlgorithm
    private var mode: TSIGSigner.Mode

    init(key: TSIGKey, algorithm: TSIGAlgorithm? = nil, requestMAC: [UInt8]) {
        self.key = key
        self.algorithm = algorithm ?? key.signingAlgorithm
        mode = .response(requestMAC: requestMAC)
    }

    /// Signs `buffer[0..<length]`; returns the new length, nil when the record does not fit
    /// (the chain is then unchanged).
    mutating func sign(_ buffer: UnsafeMutableRawBufferPointer, length: Int, time: UInt64) -> Int? {
        guard let signed = TSIGSigner.sign(buffer, length: length, key: key, algorithm: algorithm, mode: mode,
                                           time: time) else { return nil }
        mode = .subsequent(priorMAC: signed.mac)
        return signed.length
    }
}
