/// Zone transfer requests (AXFR, IXFR; SPEC §10) on the query path: handed to the block's
/// transfer engine, and signed message by message when the request was (RFC 8945 §5.3.1).
extension QueryResponder {
    /// The answer to an AXFR/IXFR in a registry zone of a block with `transfer`; nil for
    /// every other query (the ordinary handlers take it).
    func transferAnswer(_ query: ParsedQuery, _ bytes: UnsafeRawBufferPointer, block: ServerBlock, transport: Transport,
                        client: ClientAddress, authentication: TSIGAuthentication, writer: inout MessageWriter,
                        outcome: inout QueryOutcome) -> HandlerAnswer? {
        guard query.qtype == .axfr || query.qtype == .ixfr, let transfers = block.transfers,
              let request = transferRequest(query, bytes, block: block, transport: transport, client: client,
                                            authentication: authentication) else { return nil }
        outcome.registryZoneIndex = request.registryZone
        let (result, stream) = transfers.answer(request, into: &writer)
        if transport == .tcp { pendingStream = stream }
        return result
    }

    /// A transfer the TSIG checks turned away (REFUSED unsigned under `require`, NOTAUTH badly
    /// signed) is still a transfer request: counted and logged with the others.
    func countRefusedTransfer(_ query: ParsedQuery, block: ServerBlock, client: ClientAddress, rcode: Rcode) {
        guard query.qtype == .axfr || query.qtype == .ixfr, let transfers = block.transfers,
              let request = transferRequest(query, UnsafeRawBufferPointer(start: nil, count: 0), block: block,
                                            transport: .tcp, client: client, authentication: .unsigned) else { return }
        transfers.rejected(request, rcode: rcode)
    }

    private func transferRequest(_ query: ParsedQuery, _ bytes: UnsafeRawBufferPointer, block: ServerBlock,
                                 transport: Transport, client: ClientAddress,
                                 authentication: TSIGAuthentication) -> TransferRequest? {
        guard let registry = block.registry, query.qclass == .in, let zone = registryZone(of: registry) else { return nil }
        var key: DomainName?
        if case .verified(let verified) = authentication { key = verified.key.name }
        return TransferRequest(query: query, bytes: bytes, registryZone: zone,
                               atApex: name.labelCount == registry.zones[zone].name.labelCount,
                               transport: transport, client: client, keyName: key)
    }

    /// Signs the first message as the answer to the request and gives the stream the chain
    /// for the rest; a message that cannot carry its TSIG is not sent (the stream neither).
    func signTransfer(_ response: UnsafeMutableRawBufferPointer, _ verified: TSIGVerifier.Verified,
                      stream: TransferStream, outcome: inout QueryOutcome) {
        var chain = TSIGStream(key: verified.key, algorithm: verified.algorithm, requestMAC: verified.requestMAC)
        guard let length = chain.sign(response, length: outcome.length, time: clock()) else {
            outcome.length = 0
            pendingStream = nil
            stream.finish(completed: false)
            return
        }
        outcome.length = length
        stream.signing = (chain, clock)
    }
}
