/// The TSIG error field (RFC 8945 §4.2, §5.2), carried in the RR, not in the header RCODE
/// (which is NOTAUTH for all of them).
struct TSIGError: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    let rawValue: UInt16
    init(rawValue: UInt16) { self.rawValue = rawValue }

    static let noError = TSIGError(rawValue: 0)
    static let badSig = TSIGError(rawValue: 16)       // RFC 8945 §5.2.2
    static let badKey = TSIGError(rawValue: 17)       // RFC 8945 §5.2.1
    static let badTime = TSIGError(rawValue: 18)      // RFC 8945 §5.2.3
    static let badTrunc = TSIGError(rawValue: 22)     // RFC 8945 §5.2.4

    var description: String {
        switch self {
        case .noError: return "NOERROR"
        case .badSig: return "BADSIG"
        case .badKey: return "BADKEY"
        case .badTime: return "BADTIME"
        case .badTrunc: return "BADTRUNC"
        default: return "TSIG error \(rawValue)"
        }
    }
}

/// A TSIG RR as received (RFC 8945 §4.2), with where it starts: the signed message is the
/// bytes before `start`, with ARCOUNT one less and the ID replaced by `originalID`.
struct TSIGRecord: Sendable, Equatable {
    /// The key name, lowercased (RFC 8945 §4.3.3: digested in canonical form).
    var keyName: DomainName
    var algorithmName: DomainName
    /// Seconds since the epoch, 48 bits (RFC 8945 §4.2).
    var timeSigned: UInt64
    var fudge: UInt16
    var mac: [UInt8]
    var originalID: UInt16
    var error: TSIGError
    var otherData: [UInt8]
    var start: Int

    /// RFC 8945 §4.2: the owner is the key's name, CLASS ANY, TTL 0.
    static let recordClass = RecordClass.any

    /// Reads the TSIG RR at `start` (owner name first), which must end the message. Nil for
    /// anything malformed: a wrong class or TTL, RDATA that does not add up, bytes after it.
    static func read(_ message: UnsafeRawBufferPointer, at start: Int) -> TSIGRecord? {
        var reader = WireReader(message, position: start)
        guard let owner = reader.readName() else { return nil }
        let type = RecordType(rawValue: reader.readU16())
        let recordClass = RecordClass(rawValue: reader.readU16())
        let ttl = reader.readU32()
        let rdataLength = Int(reader.readU16())
        guard !reader.failed, type == .tsig, recordClass == .any, ttl == 0,
              reader.remaining == rdataLength else { return nil }
        guard let algorithm = reader.readName() else { return nil }
        let timeHigh = UInt64(reader.readU16())
        let timeLow = UInt64(reader.readU32())
        let fudge = reader.readU16()
        let mac = reader.readBytes(Int(reader.readU16()))
        let originalID = reader.readU16()
        let error = TSIGError(rawValue: reader.readU16())
        let otherData = reader.readBytes(Int(reader.readU16()))
        guard !reader.failed, reader.remaining == 0 else { return nil }
        return TSIGRecord(keyName: DomainName(uncheckedWire: owner.map(DomainName.lowercase)),
                          algorithmName: DomainName(uncheckedWire: algorithm.map(DomainName.lowercase)),
                          timeSigned: timeHigh << 32 | timeLow, fudge: fudge, mac: mac,
                          originalID: originalID, error: error, otherData: otherData, start: start)
    }

    /// Where a message's TSIG RR is, walking every section (for messages that did not come
    /// through `QueryReader`: responses, NOTIFY, tests).
    enum Location: Sendable, Equatable {
        case absent
        case found(TSIGRecord)
        /// RFC 8945 §5.2: a TSIG that is not the last additional record, or a second one, or
        /// an unreadable message → FORMERR.
        case malformed
    }

    static func locate(in message: UnsafeRawBufferPointer) -> Location {
        var reader = WireReader(message)
        let header = MessageHeader(reading: &reader)
        for _ in 0..<header.questionCount {
            reader.skipName()
            reader.skip(4)
        }
        let records = Int(header.answerCount) + Int(header.authorityCount) + Int(header.additionalCount)
        var index = 0
        while index < records {
            let start = reader.position
            reader.skipName()
            let type = RecordType(rawValue: reader.readU16())
            reader.skip(6)
            reader.skip(Int(reader.readU16()))
            guard !reader.failed else { return .malformed }
            index += 1
            if type == .tsig {
                guard index == records, let record = read(message, at: start) else { return .malformed }
                return .found(record)
            }
        }
        return .absent
    }
}

extension WireReader {
    /// `count` bytes copied out, or [] with `failed` set when they are not there.
    mutating func readBytes(_ count: Int) -> [UInt8] {
        let start = position
        skip(count)
        guard !failed else { return [] }
        var bytes = [UInt8](repeating: 0, count: count)
        for index in 0..<count { bytes[index] = byte(at: start + index) ?? 0 }
        return bytes
    }
}
