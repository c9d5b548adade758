/// The fixed 12-byte message header (RFC 1035 §4.1.1).
struct MessageHeader: Sendable, Equatable {
    var id: UInt16 = 0
    var flags: UInt16 = 0
    var questionCount: UInt16 = 0
    var answerCount: UInt16 = 0
    var authorityCount: UInt16 = 0
    var additionalCount: UInt16 = 0

    init(id: UInt16 = 0, flags: UInt16 = 0, questionCount: UInt16 = 0, answerCount: UInt16 = 0,
         authorityCount: UInt16 = 0, additionalCount: UInt16 = 0) {
        self.id = id
        self.flags = flags
        self.questionCount = questionCount
        self.answerCount = answerCount
        self.authorityCount = authorityCount
        self.additionalCount = additionalCount
    }

    /// Reads the header; the reader's sticky error reports a short message.
    init(reading reader: inout WireReader) {
        id = reader.readU16()
        flags = reader.readU16()
        questionCount = reader.readU16()
        answerCount = reader.readU16()
        authorityCount = reader.readU16()
        additionalCount = reader.readU16()
    }

    var isResponse: Bool { flags & HeaderFlag.qr != 0 }
    var opcode: Opcode { Opcode(rawValue: UInt8((flags & HeaderFlag.opcodeMask) >> HeaderFlag.opcodeShift)) }
    var rcode: UInt16 { flags & HeaderFlag.rcodeMask }
    func has(_ flag: UInt16) -> Bool { flags & flag != 0 }
}
