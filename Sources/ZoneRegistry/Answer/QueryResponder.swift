/// Turns one query into one response, written into a caller-provided buffer: the single seam
/// between I/O (`Loop/`) and DNS, after gdnsd's `dnspacket.c`. Returns a length, 0 = drop.
///
/// One responder serves one listening address+port: the (zone, block) pairs whose keys carry
/// that port. It lives on the loop thread and owns the scratch storage every query reuses
/// (decoded name, compression table, answer templates), so answering allocates nothing.
///
/// A plain query whose registry answer was written before, under the same SOA serial, is
/// answered from `AnswerTemplates` (header, the question as sent, the stored sections, OPT);
/// every other query, and the first of each question, takes the general path below, which
/// then stores its answer as a template.
final class QueryResponder {
    private let zoneNames: [WireName]
    private let blocks: [ServerBlock]
    /// The most this server sends over UDP even when a client offers more (EDNS Flag Day 2020).
    let maxUDPResponseSize: Int
    private(set) var name = NameBuffer()
    private let compression = CompressionTable()
    /// Off only to compare both paths (tests, fuzzing).
    let usesTemplates: Bool
    private let templates = AnswerTemplates()
    /// Queries answered from a template, and templates written or attempted (tests check that
    /// the fast path is taken, and that an answer too large for one is not retried per query).
    private(set) var templateAnswers = 0
    private(set) var templateWrites = 0
    /// Where template variants are written before they are stored: a whole message, so that
    /// nothing is left out for lack of room.
    private let templateScratch = UnsafeMutableRawBufferPointer.allocate(byteCount: WireLimit.maxMessage, alignment: 16)
    /// The rest of a zone transfer whose first message `respond` just wrote (TCP only).
    var pendingStream: TransferStream?
    /// TSIG's clock (RFC 8945 §5.2.3); tests set a fixed one.
    var clock: () -> UInt64 = QueryResponder.wallClock

    init(zones: [(zone: DomainName, block: ServerBlock)], maxUDPResponseSize: Int = Int(EDNS.serverPayloadSize),
         usesTemplates: Bool = true) {
        zoneNames = zones.map { WireName($0.zone) }
        blocks = zones.map(\.block)
        self.maxUDPResponseSize = max(WireLimit.classicUDPPayload, maxUDPResponseSize)
        self.usesTemplates = usesTemplates
    }

    deinit { templateScratch.deallocate() }

    /// The messages that follow the response `respond` wrote last, if it began a zone transfer.
    func takeStream() -> ResponseStream? {
        defer { pendingStream = nil }
        return pendingStream
    }

    func respond(to query: UnsafeRawBufferPointer, into response: UnsafeMutableRawBufferPointer,
                 transport: Transport, client: ClientAddress) -> QueryOutcome {
        var outcome = QueryOutcome()
        respond(to: query, into: response, transport: transport, client: client, outcome: &outcome)
        return outcome
    }

    /// The same, describing the query in `outcome` where it lies (the UDP listener's batch
    /// record) instead of returning a copy.
    func respond(to query: UnsafeRawBufferPointer, into response: UnsafeMutableRawBufferPointer,
                 transport: Transport, client: ClientAddress, outcome: inout QueryOutcome) {
        guard response.count >= WireLimit.headerSize else {
            outcome = QueryOutcome()
            return
        }
        let key = usesTemplates ? QuestionKey.read(query) : nil
        if let key, answerFromTemplate(key, query: query, into: response, transport: transport, outcome: &outcome) {
            templateAnswers &+= 1
            return
        }
        outcome = QueryOutcome()
        switch QueryReader.read(query, name: &name) {
        case .drop:
            return
        case .headerOnly(let header, let rcode):
            outcome.id = header.id
            outcome.opcode = header.opcode.rawValue
            var writer = MessageWriter(into: response, limit: WireLimit.headerSize, compression: compression)
            finish(&writer, header: header, questionCount: 0, HandlerAnswer(rcode: rcode, authoritative: false),
                   edns: nil, outcome: &outcome)
            return
        case .malformedAfterQuestion(let header, let qtype, let qclass, let questionEnd):
            describe(header, qtype: qtype, qclass: qclass, edns: nil, into: &outcome)
            var writer = MessageWriter(into: response, limit: WireLimit.classicUDPPayload, compression: compression)
            _ = writer.copyQuestion(from: query, end: questionEnd, name: name)
            finish(&writer, header: header, questionCount: 1, HandlerAnswer(rcode: .formErr, authoritative: false),
                   edns: nil, outcome: &outcome)
            return
        case .query(let parsed):
            describe(parsed.header, qtype: parsed.qtype, qclass: parsed.qclass, edns: parsed.edns, into: &outcome)
            answer(parsed, query: query, into: response, transport: transport, client: client, key: key,
                   outcome: &outcome)
            return
        }
    }

    private func describe(_ header: MessageHeader, qtype: RecordType, qclass: RecordClass,
                          edns: EDNS.Request?, into outcome: inout QueryOutcome) {
        outcome.id = header.id
        outcome.opcode = header.opcode.rawValue
        outcome.qtype = qtype.rawValue
        outcome.qclass = qclass.rawValue
        outcome.qnameLength = name.length
        outcome.ednsPayloadSize = edns?.payloadSize
        outcome.dnssecOK = edns?.dnssecOK ?? false
    }

    /// RFC 1035 §4.2.1 / RFC 6891 §6.2.5: 512 without EDNS; else the client's size, at least
    /// 512, at most what we are willing to send.
    private func udpLimit(_ edns: EDNS.Request?) -> Int {
        guard let edns else { return WireLimit.classicUDPPayload }
        return min(max(Int(edns.payloadSize), WireLimit.classicUDPPayload), maxUDPResponseSize)
    }

    private func answer(_ query: ParsedQuery, query bytes: UnsafeRawBufferPointer,
                        into response: UnsafeMutableRawBufferPointer, transport: Transport,
                        client: ClientAddress, key: QuestionKey?, outcome: inout QueryOutcome) {
        let limit = transport == .udp ? udpLimit(query.edns) : WireLimit.maxMessage
        var writer = MessageWriter(into: response, limit: limit, compression: compression)
        let zone = longestZone()
        let tsig = zone.flatMap { blocks[$0].tsig }
        var authentication = TSIGAuthentication.unsigned
        if query.tsigStart != nil || tsig != nil {
            authentication = authenticate(query, bytes, tsig: tsig)
        }
        writer.reserveTail((query.edns != nil ? MessageWriter.optRecordSize : 0) + authentication.recordSize)
        guard writer.copyQuestion(from: bytes, end: query.questionEnd, name: name) else { return }

        var result: HandlerAnswer
        var plan: RegistryPlan?
        if let refusal = authentication.refusal {
            result = HandlerAnswer(rcode: refusal, authoritative: false)
            if let zone { countRefusedTransfer(query, block: blocks[zone], client: client, rcode: refusal) }
        } else if let edns = query.edns, edns.version > 0 {
            result = HandlerAnswer(rcode: .badVers, authoritative: false)    // RFC 6891 §6.1.3
        } else if let zone {
            outcome.zoneIndex = zone
            if let transfer = transferAnswer(query, bytes, block: blocks[zone], transport: transport, client: client,
                                             authentication: authentication, writer: &writer, outcome: &outcome) {
                result = transfer
            } else {
                result = handle(query, block: blocks[zone], transport: transport, client: client,
                                authentication: authentication, writer: &writer, plan: &plan, outcome: &outcome)
            }
        } else {
            result = HandlerAnswer(rcode: .refused, authoritative: false)
        }
        if result.sectionsOverflowed && transport == .udp {
            // RFC 2181 §9: a required RRset did not fit: send TC with nothing partial in it.
            writer.rewind(to: query.questionEnd)
        }
        finish(&writer, header: query.header, questionCount: 1, result, edns: query.edns,
               truncated: result.sectionsOverflowed && transport == .udp, outcome: &outcome)
        if let stream = pendingStream, case .verified(let verified) = authentication {
            signTransfer(response, verified, stream: stream, outcome: &outcome)
        } else {
            sign(response, authentication, outcome: &outcome)
        }
        if tsig?.requiresSignature(qtype: query.qtype, name: name) == true { return }
        if let key, let plan, plan.isTemplatable, let zone = outcome.zoneIndex,
           let registryZone = outcome.registryZoneIndex {
            storeTemplate(key, query: bytes, plan: plan, zone: zone, registryZone: registryZone)
        }
    }

    /// The longest zone of this listener containing the question name.
    private func longestZone() -> Int? {
        var best: Int?
        for index in zoneNames.indices where name.isAtOrBelow(zoneNames[index]) {
            if best == nil || zoneNames[index].labelCount > zoneNames[best!].labelCount { best = index }
        }
        return best
    }

    /// The block's handler chain: `zoneregistry` first, then `whoami`, else REFUSED.
    private func handle(_ query: ParsedQuery, block: ServerBlock, transport: Transport, client: ClientAddress,
                        authentication: TSIGAuthentication, writer: inout MessageWriter,
                        plan written: inout RegistryPlan?, outcome: inout QueryOutcome) -> HandlerAnswer {
        if let registry = block.registry, query.qclass == .in || query.qclass == .any,
           let zone = registryZone(of: registry) {
            if let exchange = block.quorum, name.length == exchange.reservedNames[zone].wire.count,
               name.isAtOrBelow(exchange.reservedNames[zone]) {
                outcome.registryZoneIndex = zone
                return quorumAnswer(query, exchange: exchange, registry: registry, zone: zone,
                                    authentication: authentication, writer: &writer)
            }
            let plan = RegistryPlan.classify(name, qtype: query.qtype, zone: zone, in: registry)
            if !(plan.fallsThrough && fallsThrough(registry)) {
                outcome.registryZoneIndex = zone
                written = plan
                return RegistryAnswerWriter(registry: registry, zone: zone, name: name).write(plan, into: &writer)
            }
        }
        if block.config.whoami {
            return WhoamiAnswer.write(client: client, transport: transport, qclass: query.qclass,
                                      qnameLength: name.length, into: &writer)
        }
        return HandlerAnswer(rcode: .refused, authoritative: false)
    }

    func registryZone(of registry: Registry) -> Int? {
        var best: Int?
        for index in registry.zones.indices where name.isAtOrBelow(registry.zones[index].name) {
            if best == nil || registry.zones[index].name.labelCount > registry.zones[best!].name.labelCount {
                best = index
            }
        }
        return best
    }

    /// `fallthrough` with no zones covers every zone of the registry.
    private func fallsThrough(_ registry: Registry) -> Bool {
        guard registry.config.fallthroughZones != nil else { return false }
        if registry.fallthroughZones.isEmpty { return true }
        for zone in registry.fallthroughZones where name.isAtOrBelow(zone) { return true }
        return false
    }

    private func finish(_ writer: inout MessageWriter, header: MessageHeader, questionCount: UInt16,
                        _ result: HandlerAnswer, edns: EDNS.Request?, truncated: Bool = false,
                        outcome: inout QueryOutcome) {
        if let edns { writer.appendOPT(payloadSize: EDNS.serverPayloadSize, rcode: result.rcode, dnssecOK: edns.dnssecOK) }
        // RD and CD are copied (RFC 1035 §4.1.1, RFC 6840 §5.9); RA stays clear: no recursion.
        var flags = HeaderFlag.qr | (header.flags & (HeaderFlag.opcodeMask | HeaderFlag.rd | HeaderFlag.cd))
        if result.authoritative { flags |= HeaderFlag.aa }
        if truncated { flags |= HeaderFlag.tc }
        flags |= result.rcode.headerBits
        outcome.length = writer.finish(id: header.id, flags: flags, questionCount: questionCount)
        outcome.rcode = result.rcode.rawValue
        outcome.responseFlags = flags
    }

    // MARK: templates

    /// Answers `key`'s question from its template when one is current and the whole response
    /// fits, and sets all of `outcome`; false sends the query down the general path, with
    /// nothing changed (`outcome` included).
    @inline(__always)
    private func answerFromTemplate(_ key: QuestionKey, query: UnsafeRawBufferPointer,
                                    into response: UnsafeMutableRawBufferPointer, transport: Transport,
                                    outcome: inout QueryOutcome) -> Bool {
        guard let entry = templates.entry(for: key, in: query),
              let registry = blocks[Int(entry.zone)].registry, registry.serial == entry.serial,
              !entry.oversized
        else { return false }
        let limit = min(transport == .udp ? udpLimit(key.edns) : WireLimit.maxMessage, response.count)
        let optSize = key.edns == nil ? 0 : MessageWriter.optRecordSize
        // Checked against the longest variant before the rotation turns, so a query sent on
        // to the general path does not turn it twice.
        guard key.questionEnd + Int(entry.longestVariant) + optSize <= limit else { return false }
        var variant = 0
        if entry.rotates {
            guard let round = registry.nextRound(inZone: Int(entry.registryZone)),
                  round.start < Int(entry.variantCount) else { return false }
            variant = round.start
        }
        let rcode = Rcode(rawValue: entry.rcode)
        var flags = HeaderFlag.qr | (key.flags & (HeaderFlag.rd | HeaderFlag.cd)) | rcode.headerBits
        if entry.authoritative { flags |= HeaderFlag.aa }
        let length = MessageWriter.assemble(
            into: response, query: query, questionEnd: key.questionEnd,
            header: MessageHeader(id: key.id, flags: flags, questionCount: 1, answerCount: entry.answerCount,
                                  authorityCount: entry.authorityCount, additionalCount: entry.additionalCount),
            sections: templates.sections(of: key, variant: variant),
            opt: key.edns.map { (rcode, $0.dnssecOK) })
        // Whole, in one assignment: the caller skips resetting it for template answers.
        outcome = QueryOutcome(length: length, rcode: entry.rcode, qtype: key.qtype, qclass: key.qclass,
                               zoneIndex: Int(entry.zone), registryZoneIndex: Int(entry.registryZone),
                               id: key.id, opcode: 0, responseFlags: flags, qnameOffset: WireLimit.headerSize,
                               qnameLength: key.nameLength, ednsPayloadSize: key.edns?.payloadSize,
                               dnssecOK: key.edns?.dnssecOK ?? false)
        return true
    }

    /// Writes `plan` once per rotation start into the scratch message and keeps the sections
    /// as `key`'s template. Runs after the query's own response is complete.
    private func storeTemplate(_ key: QuestionKey, query: UnsafeRawBufferPointer, plan: RegistryPlan,
                               zone: Int, registryZone: Int) {
        guard let registry = blocks[zone].registry,
              templates.mayFill(key, isStale: { self.blocks[Int($0.zone)].registry?.serial != $0.serial })
        else { return }
        let variants = plan.rotationCount ?? 1
        guard variants > 0, variants <= Int(UInt16.max) else { return }
        templateWrites &+= 1
        var entry = AnswerTemplates.Entry()
        entry.serial = registry.serial
        entry.zone = UInt16(zone)
        entry.registryZone = UInt16(registryZone)
        entry.rotates = plan.rotationCount != nil
        entry.variantCount = UInt16(variants)
        let scratch = templateScratch
        var first: HandlerAnswer?
        var counts: (UInt16, UInt16, UInt16) = (0, 0, 0)
        templates.fill(key, query: query, entry: entry) { index in
            var writer = MessageWriter(into: scratch, limit: WireLimit.maxMessage, compression: compression)
            guard writer.copyQuestion(from: query, end: key.questionEnd, name: name) else { return nil }
            let result = RegistryAnswerWriter(registry: registry, zone: registryZone, name: name)
                .write(plan.rotated(to: index), into: &writer)
            let written = (writer.answerCount, writer.authorityCount, writer.additionalCount)
            guard !result.sectionsOverflowed else { return nil }
            if let first {
                guard first.rcode == result.rcode, first.authoritative == result.authoritative,
                      counts == written else { return nil }
            } else {
                first = result
                counts = written
            }
            return UnsafeRawBufferPointer(rebasing: scratch[key.questionEnd..<writer.position])
        } finishing: { entry in
            guard let first else { return false }
            entry.rcode = first.rcode.rawValue
            entry.authoritative = first.authoritative
            (entry.answerCount, entry.authorityCount, entry.additionalCount) = counts
            return true
        }
    }
}
