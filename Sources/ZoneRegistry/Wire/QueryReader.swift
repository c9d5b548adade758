/// A query that passed the checks of RFC 1035 §4.1 and RFC 6891 §6.1.1, in Swift values.
struct ParsedQuery: Sendable {
    var header: MessageHeader
    var qtype: RecordType
    var qclass: RecordClass
    /// Offset just past the question section: the bytes `[12, questionEnd)` are echoed.
    var questionEnd: Int
    var edns: EDNS.Request?
    /// Where the TSIG RR starts when the query is signed (RFC 8945: the last additional record).
    var tsigStart: Int?
}

/// What reading a query produced: gdnsd's one-enum packet outcome.
enum QueryReadResult: Sendable {
    /// Not worth answering: shorter than a header, or a response (RFC 1035 §4.1.1 QR).
    case drop
    /// An error answered with the header only (no question can be echoed).
    case headerOnly(MessageHeader, Rcode)
    /// A question was read, but the rest is malformed: FORMERR echoing the question, and
    /// no OPT because the query's OPT cannot be trusted (RFC 6891 §7).
    case malformedAfterQuestion(MessageHeader, qtype: RecordType, qclass: RecordClass, questionEnd: Int)
    case query(ParsedQuery)
}

/// Reads a query message: header, the one question (decoded into the caller's reusable
/// `NameBuffer`), and the additional section looking for OPT.
enum QueryReader {
    static func read(_ bytes: UnsafeRawBufferPointer, name: inout NameBuffer) -> QueryReadResult {
        var reader = WireReader(bytes)
        let header = MessageHeader(reading: &reader)
        guard !reader.failed, !header.isResponse else { return .drop }
        guard header.opcode == .query else { return .headerOnly(header, .notImp) }
        guard header.questionCount == 1 else { return .headerOnly(header, .formErr) }

        reader.readName(into: &name)
        let qtype = RecordType(rawValue: reader.readU16())
        let qclass = RecordClass(rawValue: reader.readU16())
        // A pointer in the first name can only aim at the header: never a real name, and
        // echoing it would make answers that point into the question decode differently.
        guard !reader.failed, !name.wasCompressed else { return .headerOnly(header, .formErr) }
        let questionEnd = reader.position
        let malformed = QueryReadResult.malformedAfterQuestion(header, qtype: qtype, qclass: qclass,
                                                               questionEnd: questionEnd)
        // RFC 6891 §6.1.1: OPT is a pseudo-RR, never a question.
        guard qtype != .opt else { return malformed }

        var records = Int(header.answerCount) + Int(header.authorityCount)
        while records > 0 {
            reader.skipName()
            // RFC 8945 §5.2: a TSIG anywhere but last in the additional section is FORMERR.
            guard RecordType(rawValue: reader.readU16()) != .tsig else { return malformed }
            reader.skip(6)
            reader.skip(Int(reader.readU16()))
            guard !reader.failed else { return malformed }
            records -= 1
        }
        var edns: EDNS.Request?
        var tsigStart: Int?
        var additional = Int(header.additionalCount)
        while additional > 0 {
            let ownerStart = reader.position
            reader.skipName()
            let type = RecordType(rawValue: reader.readU16())
            if type == .tsig {
                guard additional == 1 else { return malformed }
                tsigStart = ownerStart
                reader.skip(6)
                reader.skip(Int(reader.readU16()))
            } else if type == .opt {
                // RFC 6891 §6.1.1: one OPT at most, owned by the root.
                guard edns == nil, reader.byte(at: ownerStart) == 0 else { return malformed }
                edns = EDNS.readOPT(&reader)
            } else {
                reader.skip(6)
                reader.skip(Int(reader.readU16()))
            }
            guard !reader.failed else { return malformed }
            additional -= 1
        }
        return .query(ParsedQuery(header: header, qtype: qtype, qclass: qclass,
                                  questionEnd: questionEnd, edns: edns, tsigStart: tsigStart))
    }
}
