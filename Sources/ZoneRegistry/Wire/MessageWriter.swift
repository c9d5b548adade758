/// Builds a response in a caller-provided buffer: header, verbatim question, then records,
/// with owner and RDATA names compressed through a reused `CompressionTable`.
///
/// Writes never pass `limit`; a record that does not fit is rolled back whole and reported,
/// so callers decide what an overflow means (drop glue, set TC). The raw buffer lives only
/// inside this type, for the duration of one `QueryResponder.respond` call.
struct MessageWriter {
    enum Section { case answer, authority, additional }

    private let buffer: UnsafeMutableRawBufferPointer
    private let compression: CompressionTable
    private(set) var position = WireLimit.headerSize
    /// Bytes available to ordinary records; `reservedTail` more are kept for OPT.
    private(set) var limit: Int
    private var reservedTail = 0
    /// Set by a primitive write that would pass the limit; cleared by record rollback.
    private(set) var writeFailed = false
    private(set) var answerCount: UInt16 = 0
    private(set) var authorityCount: UInt16 = 0
    private(set) var additionalCount: UInt16 = 0

    init(into buffer: UnsafeMutableRawBufferPointer, limit: Int, compression: CompressionTable) {
        self.buffer = buffer
        self.compression = compression
        self.limit = max(WireLimit.headerSize, min(limit, buffer.count, WireLimit.maxMessage))
        compression.reset()
    }

    /// Lowers the message's total size, the reserved tail included, to at most `size`.
    mutating func cap(at size: Int) {
        limit = max(position, min(limit, size - reservedTail))
    }

    /// Keeps `count` bytes at the end for a record written with `appendTail` (OPT).
    mutating func reserveTail(_ count: Int) {
        reservedTail = count
        limit -= count
    }

    // MARK: primitives

    @inline(__always)
    private mutating func room(_ count: Int) -> Bool {
        guard !writeFailed, position + count <= limit else { writeFailed = true; return false }
        return true
    }

    mutating func writeU8(_ value: UInt8) {
        guard room(1) else { return }
        buffer[position] = value
        position += 1
    }

    mutating func writeU16(_ value: UInt16) {
        guard room(2) else { return }
        buffer[position] = UInt8(value >> 8)
        buffer[position + 1] = UInt8(value & 0xff)
        position += 2
    }

    mutating func writeU32(_ value: UInt32) {
        writeU16(UInt16(value >> 16))
        writeU16(UInt16(value & 0xffff))
    }

    mutating func patchU16(_ value: UInt16, at offset: Int) {
        buffer[offset] = UInt8(value >> 8)
        buffer[offset + 1] = UInt8(value & 0xff)
    }

    /// Copies the question section from the query verbatim (RFC 1035 §4.1.2: echoed as sent),
    /// and records the question name's suffixes so that answers can point into it.
    mutating func copyQuestion(from query: UnsafeRawBufferPointer, end: Int, name: NameBuffer) -> Bool {
        let start = WireLimit.headerSize
        guard end <= query.count, room(end - start) else { return false }
        for offset in start..<end { buffer[offset] = query[offset] }
        position = end
        for label in 0..<name.labelCount {
            compression.insert(hash: name.suffixHashes[label], offset: start + name.labelStarts[label])
        }
        return true
    }

    /// Drops everything after the question: what truncation (RFC 2181 §9) and handler
    /// fallthrough start from.
    mutating func rewind(to offset: Int) {
        position = offset
        writeFailed = false
        answerCount = 0
        authorityCount = 0
        additionalCount = 0
    }

    /// Undoes a partly written record (RFC 2181 §9: never send part of a record).
    mutating func rollBack(to mark: Int) {
        position = mark
        writeFailed = false
    }

    mutating func count(_ section: Section) {
        switch section {
        case .answer: answerCount += 1
        case .authority: authorityCount += 1
        case .additional: additionalCount += 1
        }
    }

    /// Makes the reserved tail available again, for the record it was kept for.
    mutating func releaseTail() {
        limit += reservedTail
        reservedTail = 0
    }

    /// Writes the header over the first 12 bytes and returns the message length.
    mutating func finish(id: UInt16, flags: UInt16, questionCount: UInt16) -> Int {
        guard buffer.count >= WireLimit.headerSize else { return 0 }
        patchU16(id, at: 0)
        patchU16(flags, at: 2)
        patchU16(questionCount, at: 4)
        patchU16(answerCount, at: 6)
        patchU16(authorityCount, at: 8)
        patchU16(additionalCount, at: 10)
        return position
    }

    // MARK: names

    mutating func writeName(_ name: NameRef) {
        switch name {
        case .pointer(let offset):
            writeU16(0xc000 | UInt16(offset))
        case .name(let wireName):
            writeCompressed(wireName)
        case .splice(let start, let length, let suffix):
            guard room(length) else { return }
            for index in 0..<length { buffer[position + index] = buffer[start + index] }
            position += length
            writeCompressed(suffix)
        case .labelThenPointer(let label, let pointer):
            guard room(label.count) else { return }
            for (index, byte) in label.enumerated() { buffer[position + index] = byte }
            position += label.count
            writeU16(0xc000 | UInt16(pointer))
        case .root:
            writeU8(0)
        }
    }

    private mutating func writeCompressed(_ name: WireName) {
        var label = 0
        while label < name.labelCount {
            if let target = writtenOffset(of: name, fromLabel: label) {
                writeLabels(of: name, upTo: label)
                writeU16(0xc000 | UInt16(target))
                return
            }
            label += 1
        }
        writeLabels(of: name, upTo: name.labelCount)
        writeU8(0)
    }

    private mutating func writeLabels(of name: WireName, upTo endLabel: Int) {
        let end = endLabel == name.labelCount ? name.wire.count - 1 : name.labelStarts[endLabel]
        guard room(end) else { return }
        for label in 0..<endLabel {
            compression.insert(hash: name.suffixHashes[label], offset: position + name.labelStarts[label])
        }
        for index in 0..<end { buffer[position + index] = name.wire[index] }
        position += end
    }

    /// Where the suffix of `name` from `label` already sits in the message, confirmed byte
    /// by byte because the table only knows hashes.
    private func writtenOffset(of name: WireName, fromLabel label: Int) -> Int? {
        let hash = name.suffixHashes[label]
        var slot = compression.firstSlot(for: hash)
        while let candidate = compression.probe(slot: slot, hash: hash) {
            if candidate >= 0, candidate < position,
               messageName(at: candidate, equals: name, fromByte: name.labelStarts[label]) {
                return candidate
            }
            slot = compression.nextSlot(after: slot)
        }
        return nil
    }

    private func messageName(at offset: Int, equals name: WireName, fromByte start: Int) -> Bool {
        var offset = offset
        var index = start
        while offset < position {
            let length = buffer[offset]
            if length & 0xc0 == 0xc0 {
                guard offset + 1 < position else { return false }
                let target = Int(length & 0x3f) << 8 | Int(buffer[offset + 1])
                guard target < offset else { return false }
                offset = target
                continue
            }
            guard index < name.wire.count, length == name.wire[index] else { return false }
            if length == 0 { return true }
            let count = Int(length)
            guard offset + count < position else { return false }
            for step in 1...count where DomainName.lowercase(buffer[offset + step]) != name.wire[index + step] {
                return false
            }
            offset += count + 1
            index += count + 1
        }
        return false
    }
}

extension MessageWriter {
    /// A whole response from parts already in wire form: `header`, the query's question
    /// `[12, questionEnd)` as sent, `sections`, and an OPT record when `opt` carries the
    /// response's RCODE and the query's DO bit (RFC 6891 §6.1.2, RFC 3225 §3). The caller has
    /// checked that it fits. Returns the length.
    @inline(__always)
    static func assemble(into response: UnsafeMutableRawBufferPointer, query: UnsafeRawBufferPointer,
                         questionEnd: Int, header: MessageHeader, sections: UnsafeRawBufferPointer,
                         opt: (rcode: Rcode, dnssecOK: Bool)?) -> Int {
        let optSize = opt == nil ? 0 : optRecordSize
        let length = questionEnd + sections.count + optSize
        guard length <= response.count, questionEnd <= query.count, let base = response.baseAddress,
              let source = query.baseAddress else { return 0 }
        func store(_ value: UInt16, at offset: Int) {
            base.storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt16.self)
        }
        store(header.id, at: 0)
        store(header.flags, at: 2)
        store(header.questionCount, at: 4)
        store(header.answerCount, at: 6)
        store(header.authorityCount, at: 8)
        store(header.additionalCount + (opt == nil ? 0 : 1), at: 10)
        (base + WireLimit.headerSize).copyMemory(from: source + WireLimit.headerSize,
                                                 byteCount: questionEnd - WireLimit.headerSize)
        if let sectionBytes = sections.baseAddress {
            (base + questionEnd).copyMemory(from: sectionBytes, byteCount: sections.count)
        }
        if let opt {
            let at = questionEnd + sections.count
            base.storeBytes(of: 0, toByteOffset: at, as: UInt8.self)
            store(RecordType.opt.rawValue, at: at + 1)
            store(EDNS.serverPayloadSize, at: at + 3)
            base.storeBytes(of: opt.rcode.extendedBits, toByteOffset: at + 5, as: UInt8.self)
            base.storeBytes(of: 0, toByteOffset: at + 6, as: UInt8.self)
            store(opt.dnssecOK ? EDNS.doBit : 0, at: at + 7)
            store(0, at: at + 9)
        }
        return length
    }
}
