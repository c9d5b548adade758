import Logging

/// Sends NOTIFY (RFC 1996) for a zone's new serial to every `to` address and retransmits
/// until each one acknowledges: after 1, 2, 4 and 8 s, then gives up 16 s after the fifth
/// message (RFC 1996 §3.6 leaves the schedule to the primary). A newer serial replaces a
/// NOTIFY still being retried: only the latest version matters to a secondary.
///
/// Loop-owned. One UDP socket per source address, opened on first use.
final class NotifySender {
    static let maxAttempts = 5
    static let firstTimeoutMilliseconds: UInt64 = 1_000

    private struct Destination: Hashable {
        let zone: DomainName
        let host: ListenHost
        let port: UInt16
    }

    private final class Exchange {
        let transfer: ZoneTransfer
        let message: [UInt8]
        let id: UInt16
        let serial: UInt32
        let source: ListenHost?
        var attempt = 0
        let timer: LoopTimer

        init(transfer: ZoneTransfer, message: [UInt8], id: UInt16, serial: UInt32, source: ListenHost?, timer: LoopTimer) {
            self.transfer = transfer
            self.message = message
            self.id = id
            self.serial = serial
            self.source = source
            self.timer = timer
        }
    }

    private let loop: EventLoop
    private let metrics: TransferMetrics
    private let logger: Logger
    private var exchanges: [Destination: Exchange] = [:]
    private var sockets: [String: UDPSocket] = [:]
    private let compression = CompressionTable()

    init(loop: EventLoop, metrics: TransferMetrics, logger: Logger) {
        self.loop = loop
        self.metrics = metrics
        self.logger = logger
    }

    /// NOTIFY of `transfer`'s current serial to each of its destinations, from `sources`
    /// (the block's `bind` addresses; the first of the destination's family is used).
    func notify(_ transfer: ZoneTransfer, sources: [ListenHost]) {
        let serial = transfer.current.serial
        for (host, port) in transfer.config.notifyDestinations {
            let destination = Destination(zone: transfer.zone, host: host, port: port)
            exchanges[destination]?.timer.close()
            let id = UInt16.random(in: 0...UInt16.max)
            let source = sources.first { $0.isIPv6 == host.isIPv6 && !$0.isWildcard }
            let exchange = Exchange(transfer: transfer, message: message(for: transfer, id: id, key: transfer.notifyKey(for: host)),
                                    id: id, serial: serial,
                                    source: source, timer: LoopTimer(loop: loop))
            exchanges[destination] = exchange
            send(exchange, to: destination)
        }
    }

    /// Drops every NOTIFY in flight (shutdown, or a zone no longer transferred).
    func cancel(zone: DomainName? = nil) {
        for (destination, exchange) in exchanges where zone == nil || destination.zone == zone {
            exchange.timer.close()
            exchanges[destination] = nil
        }
        if zone == nil {
            sockets.values.forEach { $0.close() }
            sockets.removeAll()
        }
    }

    private func send(_ exchange: Exchange, to destination: Destination) {
        exchange.attempt += 1
        do {
            try socket(from: exchange.source, ipv6: destination.host.isIPv6).send(exchange.message, to: destination.host, port: destination.port)
            metrics.countNotifySent(zone: exchange.transfer.zoneLabel)
        } catch {
            logger.debug("NOTIFY of \(exchange.transfer.zoneLabel) to \(destination.host) port \(destination.port): \(error)")
        }
        let timeout = NotifySender.firstTimeoutMilliseconds << UInt64(exchange.attempt - 1)
        exchange.timer.start(after: timeout) { [unowned self] in self.timedOut(destination, exchange) }
    }

    private func timedOut(_ destination: Destination, _ exchange: Exchange) {
        guard exchanges[destination] === exchange else { return }
        if exchange.attempt < NotifySender.maxAttempts {
            send(exchange, to: destination)
            return
        }
        exchange.timer.close()
        exchanges[destination] = nil
        metrics.countNotify(zone: exchange.transfer.zoneLabel, result: "failed")
        logger.warning("NOTIFY of \(exchange.transfer.zoneLabel) serial \(exchange.serial) to \(destination.host) port \(destination.port): no answer after \(exchange.attempt) messages")
    }

    private func socket(from source: ListenHost?, ipv6: Bool) throws(LoopError) -> UDPSocket {
        let key = source?.description ?? (ipv6 ? "::" : "0.0.0.0")
        if let socket = sockets[key] { return socket }
        let socket = try UDPSocket(loop: loop, source: source, family: ipv6) { [unowned self] bytes, sender in
            self.received(bytes, from: sender)
        }
        sockets[key] = socket
        return socket
    }

    /// RFC 1996 §4.7: the secondary answers with the same ID and opcode; any RCODE ends the
    /// retries (an error means it will not take the zone from us: retrying will not help).
    private func received(_ bytes: [UInt8], from sender: ClientAddress) {
        guard let response = NotifyResponse(bytes) else { return }
        let host = sender.host
        guard let (destination, exchange) = exchanges.first(where: { entry in
            entry.key.host == host && entry.key.port == sender.port && entry.value.id == response.id
        }) else { return }
        exchange.timer.close()
        exchanges[destination] = nil
        let zone = exchange.transfer.zoneLabel
        if response.rcode == .noError {
            metrics.countNotify(zone: zone, result: "acknowledged")
            logger.debug("NOTIFY of \(zone) serial \(exchange.serial) acknowledged by \(host) port \(sender.port)")
        } else {
            metrics.countNotify(zone: zone, result: "rejected")
            logger.warning("NOTIFY of \(zone) serial \(exchange.serial) to \(host) port \(sender.port): answered rcode \(response.rcode.rawValue)")
        }
    }

    /// RFC 1996 §3.7: opcode NOTIFY, AA, the zone's SOA as the question, and the new SOA in
    /// the answer section as a hint.
    private func message(for transfer: ZoneTransfer, id: UInt16, key: TSIGKey?) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: WireLimit.classicUDPPayload)
        let length = bytes.withUnsafeMutableBytes { buffer in
            var writer = MessageWriter(into: buffer, limit: buffer.count, compression: compression)
            writer.writeName(.name(transfer.layout.zoneName))
            writer.writeU16(RecordType.soa.rawValue)
            writer.writeU16(RecordClass.in.rawValue)
            _ = transfer.current.soa.write(into: &writer)
            let flags = UInt16(Opcode.notify.rawValue) << HeaderFlag.opcodeShift | HeaderFlag.aa
            return writer.finish(id: id, flags: flags, questionCount: 1)
        }
        var message = Array(bytes[..<length])
        // RFC 8945 §5.1: signed as a request; the answer's signature is not checked (an
        // acknowledgement only stops the retries, it changes nothing we serve).
        if let key { _ = TSIGSigner.sign(&message, key: key, mode: .request, time: QueryResponder.wallClock()) }
        return message
    }
}

/// The parts of a NOTIFY response the sender checks.
struct NotifyResponse {
    let id: UInt16
    let rcode: Rcode

    init?(_ bytes: [UInt8]) {
        let header: MessageHeader? = bytes.withUnsafeBytes { raw in
            var reader = WireReader(raw)
            let header = MessageHeader(reading: &reader)
            return reader.failed ? nil : header
        }
        guard let header, header.isResponse, header.opcode == .notify else { return nil }
        id = header.id
        rcode = Rcode(rawValue: header.rcode)
    }
}

extension ListenHost {
    var isWildcard: Bool { self == .v4(IPv4Address(value: 0)) || self == .v6(IPv6Address(high: 0, low: 0)) }
}
