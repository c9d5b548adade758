/// What `QueryResponder.respond` did with one query: the response length and everything a
/// query log line (CoreDNS's format) and the metrics need, without re-parsing the packet.
struct QueryOutcome: Sendable {
    /// Bytes of response written; 0 means drop (send nothing).
    var length = 0
    /// The full RCODE, extended bits included (BADVERS is 16).
    var rcode: UInt16 = 0
    var qtype: UInt16 = 0
    var qclass: UInt16 = 0
    /// Index into the responder's zone list of the zone that took the query; nil when none
    /// did (REFUSED, FORMERR, NOTIMP, dropped).
    var zoneIndex: Int?
    /// Index into the registry's zones when the block's `zoneregistry` answered the query (did
    /// not fall through); nil when `whoami` or nothing did. The plugin's query metrics count
    /// these, under that registry zone.
    var registryZoneIndex: Int?
    var id: UInt16 = 0
    var opcode: UInt8 = 0
    /// The response header's flags word (QR, AA, TC, RD, RCODE...); 0 when dropped.
    var responseFlags: UInt16 = 0
    /// Where the question name sits in the query (always uncompressed); length 0 when no
    /// question was read.
    var qnameOffset = WireLimit.headerSize
    var qnameLength = 0
    /// The client's EDNS UDP payload size; nil when the query had no OPT.
    var ednsPayloadSize: UInt16?
    var dnssecOK = false

    var truncated: Bool { responseFlags & HeaderFlag.tc != 0 }
    var authoritative: Bool { responseFlags & HeaderFlag.aa != 0 }

    /// The question name in presentation form, as sent (allocates: for log lines only).
    func qname(in query: UnsafeRawBufferPointer) -> String {
        guard qnameLength > 0, qnameOffset + qnameLength <= query.count else { return "" }
        var text = ""
        var index = qnameOffset
        while query[index] != 0 {
            let length = Int(query[index])
            for byte in query[(index + 1)...(index + length)] {
                text.unicodeScalars.append(byte > 0x20 && byte < 0x7f && byte != 0x2e
                    ? Unicode.Scalar(byte) : "?")
            }
            text += "."
            index += length + 1
        }
        return text.isEmpty ? "." : text
    }
}
