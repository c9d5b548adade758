/// The messages of a zone transfer after its first (RFC 5936 §2.2), written on demand as the
/// client's connection drains: header, no question (allowed after the first message),
/// records up to `messageSize`.
final class TransferStream: ResponseStream {
    /// Messages of 16 KiB: every name in one can be compressed against the zone name and
    /// the names before it (pointers reach 16,383 bytes, RFC 1035 §4.1.4).
    static let messageSize = 16_384

    private var body: TransferBody
    private let id: UInt16
    private let flags: UInt16
    private let compression = CompressionTable()
    private let finished: (_ completed: Bool, _ messages: Int) -> Void
    private(set) var messages = 1
    /// Set when the request was signed: every message is signed in turn (RFC 8945 §5.3.1).
    var signing: (chain: TSIGStream, clock: () -> UInt64)?

    init(body: TransferBody, id: UInt16, flags: UInt16, finished: @escaping (_ completed: Bool, _ messages: Int) -> Void) {
        self.body = body
        self.id = id
        self.flags = flags
        self.finished = finished
    }

    func nextMessage(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard !body.isFinished else { return 0 }
        let tsigSize = signing.map { TSIGSigner.recordSize(for: $0.chain.key, algorithm: $0.chain.algorithm) } ?? 0
        var writer = MessageWriter(into: buffer, limit: Self.messageSize - tsigSize, compression: compression)
        body.write(into: &writer)
        // A record larger than a message cannot happen with these types; never loop on one.
        guard writer.answerCount > 0 else { return 0 }
        messages += 1
        let length = writer.finish(id: id, flags: flags, questionCount: 0)
        guard var signing else { return length }
        let signed = signing.chain.sign(UnsafeMutableRawBufferPointer(rebasing: buffer[..<min(buffer.count, Self.messageSize)]),
                                        length: length, time: signing.clock())
        self.signing = signing
        return signed ?? 0
    }

    func finish(completed: Bool) {
        finished(completed && body.isFinished, messages)
    }
}
