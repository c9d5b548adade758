/// EDNS(0) (RFC 6891) as this server speaks it.
enum EDNS {
    /// What we advertise and the most we send over UDP: the DNS Flag Day 2020 size, which
    /// avoids IP fragmentation on common paths.
    static let serverPayloadSize: UInt16 = 1232
    /// RFC 6891 §6.2.5: a requestor value below 512 is treated as 512.
    static let minimumPayloadSize: UInt16 = 512
    /// DNSSEC OK, the top bit of the OPT TTL's flags half (RFC 3225 §3).
    static let doBit: UInt16 = 0x8000

    /// The OPT record of a query.
    struct Request: Sendable, Equatable {
        var payloadSize: UInt16
        var version: UInt8
        var dnssecOK: Bool
    }

    /// Reads an OPT record's fixed part after its owner name and TYPE, then walks its options
    /// so that an option whose length runs past RDLENGTH makes the whole query malformed
    /// (RFC 6891 §6.1.2). The sticky error reports failure.
    static func readOPT(_ reader: inout WireReader) -> Request {
        let payloadSize = reader.readU16()
        _ = reader.readU8()                  // extended RCODE: meaningless in a query
        let version = reader.readU8()
        let flags = reader.readU16()
        let rdataLength = Int(reader.readU16())
        guard !reader.failed, reader.remaining >= rdataLength else {
            reader.fail()
            return Request(payloadSize: 0, version: 0, dnssecOK: false)
        }
        var left = rdataLength
        while left > 0 && !reader.failed {
            guard left >= 4 else { reader.fail(); break }
            _ = reader.readU16()              // OPTION-CODE: none is acted on
            let optionLength = Int(reader.readU16())
            left -= 4
            guard optionLength <= left else { reader.fail(); break }
            reader.skip(optionLength)
            left -= optionLength
        }
        return Request(payloadSize: payloadSize, version: version, dnssecOK: flags & doBit != 0)
    }
}
