/// Bounds on DNS-over-TCP clients (RFC 7766 §6.2): how many, how long idle, how much
/// unread output a client may leave queued before we stop reading its queries.
struct TCPLimits: Sendable {
    /// Open connections per listener; at the cap, the least recently active one is closed
    /// so that a new client is always served (RFC 7766 §6.2.2).
    var maxConnections = 256
    /// Milliseconds a connection may go without completing a query before it is closed.
    /// A client trickling one byte a second is closed too: the clock restarts only on a whole message.
    var idleTimeoutMilliseconds: UInt64 = 10_000
    /// Queued reply bytes above which reading pauses until the client reads (pipelining backpressure).
    var maxQueuedReplyBytes = 256 * 1024

    static let standard = TCPLimits()
}
