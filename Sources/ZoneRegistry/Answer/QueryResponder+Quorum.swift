/// `_zoneregistry.Z` (SPEC §9): this master's view, to fellow masters only.
extension QueryResponder {
    /// RDATA per TXT record at most: a view of a thousand peers is several records of one
    /// RRset rather than one record near the 65,535-byte RDLENGTH limit.
    static let viewRecordBytes = 4_000

    /// Signed with the quorum key: the view as TXT (TC over UDP when it does not fit; the
    /// fellow asks again over TCP). Unsigned, or signed with another key: REFUSED. A bad
    /// signature never gets here (NOTAUTH, RFC 8945 §5.2). Other types: NODATA.
    func quorumAnswer(_ query: ParsedQuery, exchange: QuorumExchange, registry: Registry, zone: Int,
                      authentication: TSIGAuthentication, writer: inout MessageWriter) -> HandlerAnswer {
        guard case .verified(let verified) = authentication, verified.key.name == exchange.key.name else {
            return HandlerAnswer(rcode: .refused, authoritative: false)
        }
        guard query.qtype == .txt || query.qtype == .any else {
            return RegistryAnswerWriter(registry: registry, zone: zone, name: name).write(.noData, into: &writer)
        }
        var record: [[UInt8]] = []
        var size = 0
        for string in exchange.ownView().render() {
            if size + string.count + 1 > Self.viewRecordBytes, !record.isEmpty {
                guard writer.append(.answer, owner: .pointer(WireLimit.headerSize), ttl: 0, .txt(record)) else {
                    return HandlerAnswer(rcode: .noError, authoritative: true, sectionsOverflowed: true)
                }
                record = []
                size = 0
            }
            record.append(string)
            size += string.count + 1
        }
        let fits = record.isEmpty || writer.append(.answer, owner: .pointer(WireLimit.headerSize), ttl: 0, .txt(record))
        return HandlerAnswer(rcode: .noError, authoritative: true, sectionsOverflowed: !fits)
    }
}
