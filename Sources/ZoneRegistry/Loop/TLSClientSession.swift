import CLibUV

/// A TLS context or session that cannot be set up: a configuration problem (an unreadable
/// `tls_ca` file, say), fatal at startup — unlike a failed handshake, which is a verdict.
struct TLSSetupError: Error, Equatable, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// What one call into a TLS session produced.
struct TLSStep: Sendable, Equatable {
    /// Ciphertext to write to the peer, in order; may be non-empty even on failure (an alert).
    var output: [UInt8] = []
    /// Application data decrypted in this step.
    var plaintext: [UInt8] = []
    /// Whether the handshake has completed, as of the end of this step.
    var handshakeComplete = false
    /// The peer sent close_notify: no more plaintext will come.
    var closed = false
    /// OpenSSL's reason when the session failed (handshake, certificate or record error);
    /// the session is then dead and every later call repeats it.
    var failure: String?
}

/// The `SSL_CTX` of a probe: TLS 1.2 or later, certificates verified against the system
/// trust store plus an optional `tls_ca` PEM file, unless `insecure`. Build one per
/// (insecure, caFile) pair and share it among sessions; loop thread only.
final class TLSClientContext {
    let pointer: OpaquePointer
    let insecure: Bool

    init(insecure: Bool, caFile: String?) throws(TLSSetupError) {
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            throw TLSSetupError(message: "TLS: cannot create context: \(openSSLErrorText())")
        }
        pointer = context
        self.insecure = insecure
        // RFC 8996 deprecates TLS 1.0 and 1.1.
        guard zr_SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION) == 1 else {
            throw TLSSetupError(message: "TLS: cannot require TLS 1.2: \(openSSLErrorText())")
        }
        SSL_CTX_set_verify(context, insecure ? SSL_VERIFY_NONE : SSL_VERIFY_PEER, nil)
        guard SSL_CTX_set_default_verify_paths(context) == 1 else {
            throw TLSSetupError(message: "TLS: cannot load the system trust store: \(openSSLErrorText())")
        }
        if let caFile, SSL_CTX_load_verify_locations(context, caFile, nil) != 1 {
            throw TLSSetupError(message: "tls_ca \"\(caFile)\": \(openSSLErrorText())")
        }
    }

    deinit {
        SSL_CTX_free(pointer)
    }
}

/// The client side of one https probe over OpenSSL memory BIOs: no socket of its own. The
/// loop writes what `start`, `receive` and `send` return to the `TCPClientConnection`, and
/// passes every `.received` chunk to `receive`. SNI and the verified name are the peer host
/// (RFC 6066 §3: without the trailing dot). Owned by one probe on the loop thread.
final class TLSClientSession {
    private let engine: TLSMemoryEngine

    init(context: TLSClientContext, host: String) throws(TLSSetupError) {
        let name = host.count > 1 && host.hasSuffix(".") ? String(host.dropLast()) : host
        engine = try TLSMemoryEngine(context: context.pointer, verifiesPeer: !context.insecure)
        let ssl = engine.ssl
        guard zr_SSL_set_tlsext_host_name(ssl, name) == 1 else {
            throw TLSSetupError(message: "TLS: cannot set SNI \"\(name)\": \(openSSLErrorText())")
        }
        if !context.insecure {
            // Wildcards match one whole label only (RFC 6125 §6.4.3).
            SSL_set_hostflags(ssl, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
            guard SSL_set1_host(ssl, name) == 1 else {
                throw TLSSetupError(message: "TLS: cannot check host \"\(name)\": \(openSSLErrorText())")
            }
        }
        SSL_set_connect_state(ssl)
    }

    /// A session with a context of its own; callers probing many peers share a context.
    convenience init(host: String, insecure: Bool, caFile: String?) throws(TLSSetupError) {
        try self.init(context: TLSClientContext(insecure: insecure, caFile: caFile), host: host)
    }

    var isHandshakeComplete: Bool { engine.handshakeComplete }
    var failure: String? { engine.failure }

    /// The ClientHello to send once connected.
    func start() -> [UInt8] {
        engine.advance([]).output
    }

    /// Takes ciphertext from the peer; advances the handshake, then decrypts.
    func receive(_ ciphertext: [UInt8]) -> TLSStep {
        engine.advance(ciphertext)
    }

    /// Ciphertext carrying `plaintext`; empty before the handshake completes or after a
    /// failure (then `failure` says why).
    func send(_ plaintext: [UInt8]) -> [UInt8] {
        engine.encrypt(plaintext)
    }

    /// close_notify (RFC 8446 §6.1), so the peer sees a TLS session end, not a truncation;
    /// empty when the session never completed its handshake or failed.
    func close() -> [UInt8] {
        guard engine.handshakeComplete, engine.failure == nil else { return [] }
        return engine.shutdown()
    }
}

/// The server side over memory BIOs, so tests can stand in for a peer's HTTPS endpoint
/// without a socket. The daemon itself serves no TLS.
final class TLSServerSession {
    private let engine: TLSMemoryEngine

    init(certificateChainFile: String, privateKeyFile: String) throws(TLSSetupError) {
        guard let context = SSL_CTX_new(TLS_server_method()) else {
            throw TLSSetupError(message: "TLS: cannot create context: \(openSSLErrorText())")
        }
        // The SSL holds its own reference to the context.
        defer { SSL_CTX_free(context) }
        guard SSL_CTX_use_certificate_chain_file(context, certificateChainFile) == 1,
              SSL_CTX_use_PrivateKey_file(context, privateKeyFile, SSL_FILETYPE_PEM) == 1,
              SSL_CTX_check_private_key(context) == 1 else {
            throw TLSSetupError(message: "TLS: cannot load \(certificateChainFile): \(openSSLErrorText())")
        }
        engine = try TLSMemoryEngine(context: context, verifiesPeer: false)
        SSL_set_accept_state(engine.ssl)
    }

    var isHandshakeComplete: Bool { engine.handshakeComplete }

    func receive(_ ciphertext: [UInt8]) -> TLSStep {
        engine.advance(ciphertext)
    }

    func send(_ plaintext: [UInt8]) -> [UInt8] {
        engine.encrypt(plaintext)
    }

    /// close_notify, for a peer that ends the exchange cleanly.
    func close() -> [UInt8] {
        engine.shutdown()
    }
}

/// One `SSL` between two memory BIOs: ciphertext in through `rbio`, out through `wbio`.
private final class TLSMemoryEngine {
    let ssl: OpaquePointer
    private let rbio: OpaquePointer
    private let wbio: OpaquePointer
    private let verifiesPeer: Bool
    private(set) var handshakeComplete = false
    private(set) var failure: String?

    init(context: OpaquePointer, verifiesPeer: Bool) throws(TLSSetupError) {
        guard let ssl = SSL_new(context) else {
            throw TLSSetupError(message: "TLS: cannot create session: \(openSSLErrorText())")
        }
        guard let rbio = BIO_new(BIO_s_mem()), let wbio = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw TLSSetupError(message: "TLS: cannot create memory BIO: \(openSSLErrorText())")
        }
        // The SSL owns both BIOs from here: SSL_free frees them.
        SSL_set_bio(ssl, rbio, wbio)
        self.ssl = ssl
        self.rbio = rbio
        self.wbio = wbio
        self.verifiesPeer = verifiesPeer
    }

    deinit {
        SSL_free(ssl)
    }

    func advance(_ ciphertext: [UInt8]) -> TLSStep {
        var step = TLSStep()
        if failure == nil, !ciphertext.isEmpty, !write(ciphertext) {
            failure = "cannot buffer \(ciphertext.count) bytes of ciphertext"
        }
        if failure == nil, !handshakeComplete { handshake() }
        if failure == nil, handshakeComplete { read(into: &step) }
        step.output = drain()
        step.handshakeComplete = handshakeComplete
        step.failure = failure
        return step
    }

    func encrypt(_ plaintext: [UInt8]) -> [UInt8] {
        guard failure == nil, handshakeComplete, !plaintext.isEmpty else { return [] }
        ERR_clear_error()
        // Memory BIOs never block, so without partial writes SSL_write takes all or fails.
        let written = plaintext.withUnsafeBytes { SSL_write(ssl, $0.baseAddress, Int32($0.count)) }
        if written <= 0 {
            failure = reason(for: SSL_get_error(ssl, written))
        }
        return drain()
    }

    func shutdown() -> [UInt8] {
        ERR_clear_error()
        _ = SSL_shutdown(ssl)
        return drain()
    }

    private func handshake() {
        ERR_clear_error()
        let result = SSL_do_handshake(ssl)
        if result == 1 {
            handshakeComplete = true
            return
        }
        let error = SSL_get_error(ssl, result)
        if error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE {
            failure = reason(for: error)
        }
    }

    private func read(into step: inout TLSStep) {
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            ERR_clear_error()
            let count = buffer.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
            if count > 0 {
                step.plaintext += buffer[..<Int(count)]
                continue
            }
            let error = SSL_get_error(ssl, count)
            if error == SSL_ERROR_ZERO_RETURN {
                step.closed = true
            } else if error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE {
                failure = reason(for: error)
            }
            return
        }
    }

    private func write(_ bytes: [UInt8]) -> Bool {
        let written = bytes.withUnsafeBytes { BIO_write(rbio, $0.baseAddress, Int32($0.count)) }
        return written == Int32(bytes.count)
    }

    private func drain() -> [UInt8] {
        let pending = Int(BIO_ctrl_pending(wbio))
        guard pending > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: pending)
        let count = bytes.withUnsafeMutableBytes { BIO_read(wbio, $0.baseAddress, Int32($0.count)) }
        return Array(bytes[..<max(0, Int(count))])
    }

    /// OpenSSL's reason, plus the certificate check's own reason when verification failed,
    /// e.g. `certificate verify failed: hostname mismatch`.
    private func reason(for error: Int32) -> String {
        let queued = ERR_peek_error() != 0
        var text = queued ? openSSLErrorText() : error == SSL_ERROR_SYSCALL ? "unexpected end of stream" : "error \(error)"
        let verification = SSL_get_verify_result(ssl)
        if verifiesPeer, verification != X509_V_OK, let detail = X509_verify_cert_error_string(verification) {
            text += ": " + String(cString: detail)
        }
        return text
    }
}

/// The reason of the oldest queued OpenSSL error (`certificate verify failed`); clears the
/// queue. System errors have no reason name, so their reason is cut from the
/// `error:CODE:LIBRARY:FUNCTION:REASON` text of `ERR_error_string_n`.
private func openSSLErrorText() -> String {
    let code = ERR_get_error()
    ERR_clear_error()
    guard code != 0 else { return "unknown error" }
    if let reason = ERR_reason_error_string(code) {
        return String(cString: reason)
    }
    var buffer = [CChar](repeating: 0, count: 256)
    ERR_error_string_n(code, &buffer, buffer.count)
    let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    let fields = text.split(separator: ":", maxSplits: 4, omittingEmptySubsequences: false)
    return fields.count == 5 && !fields[4].isEmpty ? String(fields[4]) : text
}
