/// The bytes a TSIG MAC covers (RFC 8945 §4.3), fed to HMAC in pieces so that neither the
/// message nor the prior MAC is copied.
enum TSIGDigest {
    /// The TSIG variables of RFC 8945 §4.3.3, in the order they are digested.
    struct Variables {
        var keyName: DomainName
        var algorithm: DomainName
        var timeSigned: UInt64
        var fudge: UInt16
        var error: TSIGError
        var otherData: [UInt8]
    }

    /// What precedes the message in the digest.
    enum Prefix {
        /// A request: nothing (RFC 8945 §4.3.1).
        case none
        /// A response: the request's MAC as received, truncated or not (§4.3.1, §5.2.2.1).
        case requestMAC([UInt8])
        /// A later message of a stream: the previous message's MAC, and then only the timers
        /// of the variables (§5.3.1).
        case priorMAC([UInt8])
    }

    /// The full-length MAC over `prefix`, `message` (the bytes before the TSIG RR) with its ID
    /// replaced by `originalID` and ARCOUNT by `additionalCount`, and `variables`. Nil when
    /// OpenSSL fails.
    static func mac(secret: [UInt8], digest: HMACDigest, prefix: Prefix, message: UnsafeRawBufferPointer,
                    originalID: UInt16, additionalCount: UInt16, variables: Variables) -> [UInt8]? {
        guard message.count >= WireLimit.headerSize,
              let hmac = HMACComputation(digest: digest, key: secret) else { return nil }
        var timersOnly = false
        switch prefix {
        case .none:
            break
        case .requestMAC(let mac):
            hmac.update(u16: UInt16(mac.count))
            hmac.update(mac)
        case .priorMAC(let mac):
            hmac.update(u16: UInt16(mac.count))
            hmac.update(mac)
            timersOnly = true
        }
        hmac.update(u16: originalID)
        hmac.update(UnsafeRawBufferPointer(rebasing: message[2..<10]))
        hmac.update(u16: additionalCount)
        hmac.update(UnsafeRawBufferPointer(rebasing: message[WireLimit.headerSize...]))
        if !timersOnly {
            hmac.update(variables.keyName.wire)
            hmac.update(u16: TSIGRecord.recordClass.rawValue)
            hmac.update([0, 0, 0, 0])                                    // TTL
            hmac.update(variables.algorithm.wire)
        }
        hmac.update(timers(variables))
        if !timersOnly {
            hmac.update(u16: variables.error.rawValue)
            hmac.update(u16: UInt16(variables.otherData.count))
            hmac.update(variables.otherData)
        }
        return hmac.finish()
    }

    /// Time Signed (48 bits) and Fudge, as on the wire.
    static func timers(_ variables: Variables) -> [UInt8] {
        let time = variables.timeSigned
        return [UInt8(truncatingIfNeeded: time >> 40), UInt8(truncatingIfNeeded: time >> 32),
                UInt8(truncatingIfNeeded: time >> 24), UInt8(truncatingIfNeeded: time >> 16),
                UInt8(truncatingIfNeeded: time >> 8), UInt8(truncatingIfNeeded: time),
                UInt8(variables.fudge >> 8), UInt8(variables.fudge & 0xff)]
    }

    /// The 48-bit time a BADTIME response carries in Other Data (RFC 8945 §5.2.3).
    static func otherData(time: UInt64) -> [UInt8] {
        Array(timers(Variables(keyName: .root, algorithm: .root, timeSigned: time, fudge: 0, error: .noError,
                               otherData: [])).prefix(6))
    }
}
