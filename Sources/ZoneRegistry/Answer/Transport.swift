/// How a query arrived: decides the size limit and truncation (RFC 1035 §4.2, RFC 7766).
enum Transport: Sendable {
    case udp, tcp
}

/// The querying client's address and port, as `whoami` reports it.
enum ClientAddress: Sendable, Equatable {
    case v4(IPv4Address, port: UInt16)
    case v6(IPv6Address, port: UInt16)
}
