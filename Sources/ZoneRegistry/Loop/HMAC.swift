import CLibUV

/// The hash functions TSIG's HMAC algorithms use (RFC 8945 §6), by OpenSSL's names.
enum HMACDigest: Sendable, Hashable {
    case sha1, sha224, sha256, sha384, sha512

    var openSSLName: String {
        switch self {
        case .sha1: return "SHA1"
        case .sha224: return "SHA224"
        case .sha256: return "SHA256"
        case .sha384: return "SHA384"
        case .sha512: return "SHA512"
        }
    }

    /// Bytes of output (RFC 6234).
    var outputSize: Int {
        switch self {
        case .sha1: return 20
        case .sha224: return 28
        case .sha256: return 32
        case .sha384: return 48
        case .sha512: return 64
        }
    }
}

/// One HMAC (RFC 2104) computed by OpenSSL from pieces fed in order; never by hand.
/// Short-lived: made, fed and finished within one sign or verify call on the loop thread.
final class HMACComputation {
    private var context: OpaquePointer?
    private let outputSize: Int

    /// Nil when OpenSSL cannot set the digest up (it always can for the five above).
    init?(digest: HMACDigest, key: [UInt8]) {
        outputSize = digest.outputSize
        context = key.withUnsafeBufferPointer { zr_hmac_begin(digest.openSSLName, $0.baseAddress, $0.count) }
        if context == nil { return nil }
    }

    deinit {
        if let context { zr_hmac_free(context) }
    }

    func update(_ bytes: UnsafeRawBufferPointer) {
        guard let context, let base = bytes.baseAddress else { return }
        if zr_hmac_update(context, base, bytes.count) != 0 { fail() }
    }

    func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    func update(u16 value: UInt16) {
        update([UInt8(value >> 8), UInt8(value & 0xff)])
    }

    /// The MAC, or nil when any step failed. Ends the computation.
    func finish() -> [UInt8]? {
        guard let context else { return nil }
        self.context = nil
        var mac = [UInt8](repeating: 0, count: outputSize)
        let length = mac.withUnsafeMutableBufferPointer { zr_hmac_finish(context, $0.baseAddress, $0.count) }
        guard length == outputSize else { return nil }
        return mac
    }

    private func fail() {
        if let context { zr_hmac_free(context) }
        context = nil
    }

    /// Whether two MACs (or secrets) are equal, in time that does not depend on where they
    /// differ (CRYPTO_memcmp); unequal lengths are simply unequal.
    static func constantTimeEqual(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        guard a.count > 0, let left = a.baseAddress, let right = b.baseAddress else { return true }
        return zr_constant_time_equal(left, right, a.count) == 1
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.withUnsafeBytes { left in b.withUnsafeBytes { right in constantTimeEqual(left, right) } }
    }
}
