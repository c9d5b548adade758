/// The exchange's messages: the TXT question for `_zoneregistry.Z`, and reading a fellow's
/// answer back into a `MasterView`, strictly (RFC 8945 §5.4 signature first, then RCODE,
/// then every TXT of the answer section at that name).
enum QuorumQuery {
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    /// `_zoneregistry.Z IN TXT`, RD clear, no EDNS (a signed answer is asked again over TCP
    /// when it does not fit 512 bytes).
    static func make(name: WireName, id: UInt16) -> [UInt8] {
        [UInt8(id >> 8), UInt8(id & 0xff), 0, 0, 0, 1, 0, 0, 0, 0, 0, 0] + name.wire
            + [0, UInt8(RecordType.txt.rawValue), 0, UInt8(RecordClass.in.rawValue)]
    }

    static func view(from result: DNSQueryClient.Result, key: TSIGKey, requestMAC: [UInt8],
                     name: WireName) -> Result<MasterView, Problem> {
        let bytes: [UInt8]
        switch result {
        case .failed(let failure): return .failure(Problem(description: failure.description))
        case .response(let response): bytes = response
        }
        let check = bytes.withUnsafeBytes {
            TSIGVerifier.checkResponse($0, key: key, prefix: .requestMAC(requestMAC), now: QueryResponder.wallClock())
        }
        if case .failed(let why) = check { return .failure(Problem(description: why)) }
        let rcode = bytes[3] & 0x0f
        guard rcode == 0 else { return .failure(Problem(description: "answered RCODE \(rcode)")) }
        do {
            return .success(try MasterView.parse(try strings(in: bytes, at: name)))
        } catch let problem as Problem {
            return .failure(problem)
        } catch {
            return .failure(Problem(description: "\(error)"))
        }
    }

    /// Every character-string of the answer section's TXT records owned by `name`.
    static func strings(in message: [UInt8], at name: WireName) throws -> [[UInt8]] {
        try message.withUnsafeBytes { bytes in
            var reader = WireReader(bytes)
            let header = MessageHeader(reading: &reader)
            for _ in 0..<header.questionCount {
                reader.skipName()
                reader.skip(4)
            }
            var strings: [[UInt8]] = []
            var owner = NameBuffer()
            for _ in 0..<header.answerCount {
                reader.readName(into: &owner)
                let type = RecordType(rawValue: reader.readU16())
                reader.skip(6)
                let length = Int(reader.readU16())
                guard !reader.failed, reader.remaining >= length else { throw Problem(description: "answer section cut short") }
                let end = reader.position + length
                guard type == .txt, owner.length == name.wire.count, owner.isAtOrBelow(name) else {
                    reader.skip(length)
                    continue
                }
                while reader.position < end {
                    let count = Int(reader.readU8())
                    strings.append(reader.readBytes(count))
                    guard !reader.failed, reader.position <= end else { throw Problem(description: "TXT RDATA malformed") }
                }
            }
            guard !reader.failed else { throw Problem(description: "answer does not parse") }
            return strings
        }
    }
}
