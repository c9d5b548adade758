/// Answering AXFR (RFC 5936) and IXFR (RFC 1995) requests for one zone.
extension ZoneTransfer {
    func answer(_ request: TransferRequest, into writer: inout MessageWriter) -> (HandlerAnswer, TransferStream?) {
        let type = request.query.qtype == .axfr ? "axfr" : "ixfr"
        let client = request.client.host
        // RFC 5936 §4.2: the primary decides who may transfer; CoreDNS's `to` lists them.
        guard config.allows(client) else {
            return refuse(.refused, type: type, result: "refused", client: client, why: "not in transfer to")
        }
        // RFC 5936 §2.2.1: a transfer is of a zone; a name below the apex is not one.
        guard request.atApex else { return refuse(.notAuth, type: type, result: "notauth", client: client, why: "not a zone apex") }
        refresh()
        if let key = request.keyName { keysSeen[client] = key }
        let snapshot = current
        var body: TransferBody
        var result = "full"
        if request.query.qtype == .ixfr {
            guard let serial = IXFRRequest.clientSerial(request.bytes, header: request.query.header,
                                                        questionEnd: request.query.questionEnd) else {
                return refuse(.formErr, type: type, result: "formerr", client: client, why: "no SOA in the authority section")
            }
            if !SerialNumber.isAhead(snapshot.serial, of: serial) {
                body = .current(snapshot)
                result = "current"
            } else if let path = journal.path(from: serial, to: snapshot.serial) {
                body = .incremental(path, newest: snapshot)
                result = "incremental"
            } else {
                body = .full(snapshot)
            }
        } else {
            // RFC 5936 §4.2: AXFR is not defined over UDP.
            guard request.transport == .tcp else { return (HandlerAnswer(rcode: .notImp, authoritative: false), nil) }
            body = .full(snapshot)
        }
        // The first message is no larger than the rest: its names compress as theirs do (pointers
        // reach 16 KiB), and the stream's first batch follows it before the sockets are polled.
        if request.transport == .tcp { writer.cap(at: TransferStream.messageSize) }
        body.write(into: &writer)
        if !body.isFinished && request.transport == .udp {
            // RFC 1995 §2: an IXFR reply that does not fit in UDP is the current SOA alone,
            // telling the client to ask again over TCP.
            writer.rewind(to: request.query.questionEnd)
            body = .current(snapshot)
            body.write(into: &writer)
            result = "tcp-needed"
        }
        let records = body.recordCount
        let done = { [self] (completed: Bool, messages: Int) in
            metrics.countTransfer(zone: zoneLabel, type: type, result: completed ? result : "aborted")
            logger.info("\(type.uppercased()) of \(zoneLabel) serial \(snapshot.serial) to \(client): \(completed ? result : "aborted"), \(records) records in \(messages) messages")
        }
        guard !body.isFinished else {
            done(true, 1)
            return (HandlerAnswer(rcode: .noError, authoritative: true), nil)
        }
        let flags = HeaderFlag.qr | HeaderFlag.aa
        let stream = TransferStream(body: body, id: request.query.header.id, flags: flags, finished: done)
        return (HandlerAnswer(rcode: .noError, authoritative: true), stream)
    }

    /// RFC 8945 §5.2: the TSIG checks refused it (unsigned under `require`, or a bad key,
    /// signature or time).
    func rejected(_ request: TransferRequest, rcode: Rcode) {
        let type = request.query.qtype == .axfr ? "axfr" : "ixfr"
        let notAuth = rcode == .notAuth
        _ = refuse(rcode, type: type, result: notAuth ? "notauth" : "refused", client: request.client.host,
                   why: notAuth ? "TSIG did not verify" : rcode == .refused ? "not signed" : "malformed TSIG")
    }

    private func refuse(_ rcode: Rcode, type: String, result: String, client: ListenHost,
                        why: String) -> (HandlerAnswer, TransferStream?) {
        metrics.countTransfer(zone: zoneLabel, type: type, result: result)
        logger.warning("\(type.uppercased()) of \(zoneLabel) from \(client) \(result): \(why)")
        return (HandlerAnswer(rcode: rcode, authoritative: false), nil)
    }
}

/// The transferred zones of one server block, by index into its registry's zones.
final class BlockTransfers: TransferResponder {
    var zones: [Int: ZoneTransfer] = [:]

    func answer(_ request: TransferRequest, into writer: inout MessageWriter) -> (HandlerAnswer, TransferStream?) {
        guard let zone = zones[request.registryZone] else {
            // A zone of the registry that no `transfer` lists.
            return (HandlerAnswer(rcode: .refused, authoritative: false), nil)
        }
        return zone.answer(request, into: &writer)
    }

    func rejected(_ request: TransferRequest, rcode: Rcode) {
        zones[request.registryZone]?.rejected(request, rcode: rcode)
    }
}

extension ClientAddress {
    var host: ListenHost {
        switch self {
        case .v4(let address, _): return .v4(address)
        case .v6(let address, _): return .v6(address)
        }
    }

    var port: UInt16 {
        switch self {
        case .v4(_, let port), .v6(_, let port): return port
        }
    }
}
