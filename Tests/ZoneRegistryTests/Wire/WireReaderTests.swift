import Testing
@testable import ZoneRegistry

@Suite struct WireReaderTests {
    private func readName(_ bytes: [UInt8], at offset: Int) -> [UInt8]? {
        bytes.withUnsafeBytes { raw in
            var reader = WireReader(raw, position: offset)
            return reader.readName()
        }
    }

    @Test func headerFieldsDecodeFromAnnotatedBytes() {
        let bytes: [UInt8] = [
            0xab, 0xcd,         // ID
            0x01, 0x00,         // QR=0 OPCODE=0 AA=0 TC=0 RD=1 | RA=0 Z=0 RCODE=0
            0x00, 0x01,         // QDCOUNT
            0x00, 0x02,         // ANCOUNT
            0x00, 0x03,         // NSCOUNT
            0x00, 0x04,         // ARCOUNT
        ]
        bytes.withUnsafeBytes { raw in
            var reader = WireReader(raw)
            let header = MessageHeader(reading: &reader)
            #expect(!reader.failed)
            #expect(header == MessageHeader(id: 0xabcd, flags: HeaderFlag.rd, questionCount: 1, answerCount: 2,
                                            authorityCount: 3, additionalCount: 4))
            #expect(!header.isResponse && header.opcode == .query)
        }
    }

    @Test func shortReadsSetTheStickyErrorInsteadOfTrapping() {
        [UInt8](repeating: 0, count: 5).withUnsafeBytes { raw in
            var reader = WireReader(raw)
            _ = MessageHeader(reading: &reader)
            #expect(reader.failed)
            #expect(reader.readU8() == 0)
        }
    }

    @Test func compressedNameFollowsBackwardPointer() {
        // offset 0: "example.net." ; offset 13: "www" + pointer to 0
        let bytes = wire("example.net") + [3] + Array("www".utf8) + [0xc0, 0x00]
        #expect(readName(bytes, at: 13) == wire("www.example.net"))
        bytes.withUnsafeBytes { raw in
            var reader = WireReader(raw, position: 13)
            _ = reader.readName()
            #expect(reader.position == bytes.count)    // resumes after the first pointer
        }
    }

    @Test func pointerLoopIsRejected() {
        // offset 0: label "a", then a pointer back to offset 0
        #expect(readName([1, 0x61, 0xc0, 0x00], at: 0) == nil)
        // a pointer to itself
        #expect(readName([0xc0, 0x00], at: 0) == nil)
    }

    @Test func forwardPointerIsRejected() {
        // offset 0: pointer to offset 2, where a valid root name sits
        #expect(readName([0xc0, 0x02, 0x00], at: 0) == nil)
    }

    @Test func pointerOutOfBoundsIsRejected() {
        #expect(readName([0x00, 0xc0, 0xff], at: 1) == nil)
        #expect(readName([0xc0], at: 0) == nil)
    }

    @Test func labelOf64IsRejected() {
        let bytes = [UInt8(64)] + [UInt8](repeating: 0x61, count: 64) + [0]
        #expect(readName(bytes, at: 0) == nil)
        let ok = [UInt8(63)] + [UInt8](repeating: 0x61, count: 63) + [0]
        #expect(readName(ok, at: 0) == ok)
    }

    @Test func nameLongerThan255IsRejected() {
        // 4 labels of 63 = 256 bytes plus root = 257
        let label63: [UInt8] = [63] + [UInt8](repeating: 0x61, count: 63)
        let long: [UInt8] = label63 + label63 + label63 + label63 + [0]
        #expect(readName(long, at: 0) == nil)
        // 3 × 64 + 62 = 254 bytes plus root = 255: the maximum
        let max: [UInt8] = label63 + label63 + label63 + [61] + [UInt8](repeating: 0x62, count: 61) + [0]
        #expect(max.count == 255)
        #expect(readName(max, at: 0) == max)
    }

    @Test func nameCutOffMidLabelIsRejected() {
        #expect(readName([5, 0x61, 0x62], at: 0) == nil)
        #expect(readName([1, 0x61], at: 0) == nil)
    }

    @Test func nameBufferKeepsCaseAndLowercasesForComparison() {
        let bytes = wire("WwW.Example.NET")
        bytes.withUnsafeBytes { raw in
            var reader = WireReader(raw)
            var buffer = NameBuffer()
            reader.readName(into: &buffer)
            #expect(buffer.rawWire == bytes)
            #expect(buffer.isAtOrBelow(WireName(name("example.net"))))
            #expect(buffer.suffix(from: 0, equals: WireName(name("www.example.net"))))
            #expect(!buffer.isAtOrBelow(WireName(name("ample.net"))))
            #expect(buffer.isAtOrBelow(WireName(.root)))
        }
    }
}
