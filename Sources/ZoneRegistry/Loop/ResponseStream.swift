/// Messages a DNS-over-TCP connection sends after a query's first response, produced a few
/// at a time across loop turns: the rest of a zone transfer (RFC 5936 §2.2, several
/// messages for one query). The connection asks for more only when the previous batch was
/// written, so a client that stops reading holds one batch, until the idle timeout.
protocol ResponseStream: AnyObject {
    /// Writes the next message (no length prefix) into `buffer`; returns its length, 0 when
    /// the stream is over.
    func nextMessage(into buffer: UnsafeMutableRawBufferPointer) -> Int
    /// The stream ends: every message was written to the socket (`completed`), or the
    /// connection closed first.
    func finish(completed: Bool)
}
