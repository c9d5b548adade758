/// Answers zone transfer requests (AXFR, IXFR) for the zones of a server block with a
/// `transfer` directive; the transfer engine (Transfer/) implements it.
protocol TransferResponder: AnyObject {
    /// Writes the first response message after the question already in `writer`; a
    /// transfer that needs more messages (TCP only) returns the stream of the rest.
    func answer(_ request: TransferRequest, into writer: inout MessageWriter) -> (HandlerAnswer, TransferStream?)
    /// A request the TSIG checks answered `rcode` before it got here: counted and logged.
    func rejected(_ request: TransferRequest, rcode: Rcode)
}

/// One AXFR/IXFR query in a zone of the block's registry.
struct TransferRequest {
    let query: ParsedQuery
    /// The whole query message, for what follows the question (IXFR's SOA, RFC 1995 §3).
    let bytes: UnsafeRawBufferPointer
    /// Index into the registry's zones of the zone containing the question name.
    let registryZone: Int
    /// Whether the question name is the zone's apex: only a zone can be transferred.
    let atApex: Bool
    let transport: Transport
    let client: ClientAddress
    /// The TSIG key the request was verified with; nil when unsigned.
    let keyName: DomainName?
}
