import Logging

/// Sends NOTIFY (RFC 1996) for a zone's new serial to every `to` address and asks again
/// until each one answers: each attempt waits twice as long as the one before (1, 2, 4, 8,
/// 16 s), then it gives up, 31 s after the first (RFC 1996 §3.6 leaves the schedule to the
/// primary). A newer serial replaces a NOTIFY still being retried: only the latest version
/// matters to a secondary. Each attempt is one `DNSQueryClient` exchange.
///
/// Loop-owned.
final class NotifySender {
    static let maxAttempts = 5
    static let firstTimeoutMilliseconds = 1_000

    private struct Destination: Hashable {
        let zone: DomainName
        let host: ListenHost
        let port: UInt16
    }

    private final class Exchange {
        let transfer: ZoneTransfer
        let serial: UInt32
        let source: ListenHost?
        var attempt = 0
        var client: DNSQueryClient?
        /// Paces the attempts: a refused datagram fails at once, and must not use up the
        /// retries before the secondary has even started.
        let timer: LoopTimer
        var sentAt: UInt64 = 0

        init(transfer: ZoneTransfer, serial: UInt32, source: ListenHost?, timer: LoopTimer) {
            self.transfer = transfer
            self.serial = serial
            self.source = source
            self.timer = timer
        }

        func cancel() {
            client?.cancel()
            timer.close()
        }
    }

    private let loop: EventLoop
    private let metrics: TransferMetrics
    private let logger: Logger
    private var exchanges: [Destination: Exchange] = [:]
    private let compression = CompressionTable()

    init(loop: EventLoop, metrics: TransferMetrics, logger: Logger) {
        self.loop = loop
        self.metrics = metrics
        self.logger = logger
    }

    /// NOTIFY of `transfer`'s current serial to each of its destinations, from the first of
    /// `sources` (the block's `bind` addresses) of the destination's family, so that a
    /// secondary's `allow-notify` can name the registry's address.
    func notify(_ transfer: ZoneTransfer, sources: [ListenHost]) {
        for (host, port) in transfer.config.notifyDestinations {
            let destination = Destination(zone: transfer.zone, host: host, port: port)
            exchanges[destination]?.cancel()
            let source = sources.first { $0.isIPv6 == host.isIPv6 && !$0.isWildcard }
            let exchange = Exchange(transfer: transfer, serial: transfer.current.serial, source: source,
                                    timer: LoopTimer(loop: loop))
            exchanges[destination] = exchange
            send(exchange, to: destination)
        }
    }

    /// Drops every NOTIFY in flight for `zone` (no longer transferred), or all (shutdown).
    func cancel(zone: DomainName? = nil) {
        for (destination, exchange) in exchanges where zone == nil || destination.zone == zone {
            exchange.cancel()
            exchanges[destination] = nil
        }
    }

    private func send(_ exchange: Exchange, to destination: Destination) {
        exchange.attempt += 1
        // A fresh ID and signature per attempt: each is a new request (RFC 8945 §5.1 times).
        let message = message(for: exchange.transfer, id: UInt16.random(in: 0...UInt16.max),
                              key: exchange.transfer.notifyKey(for: destination.host))
        let timeout = NotifySender.timeout(ofAttempt: exchange.attempt)
        exchange.sentAt = loop.nowMilliseconds
        metrics.countNotifySent(zone: exchange.transfer.zoneLabel)
        exchange.client = DNSQueryClient.send(
            message, loop: loop, to: destination.host, port: destination.port,
            options: .init(source: exchange.source, timeoutMilliseconds: timeout)
        ) { [unowned self] result in
            self.completed(exchange, destination, result)
        }
    }

    private static func timeout(ofAttempt attempt: Int) -> Int {
        firstTimeoutMilliseconds << (attempt - 1)
    }

    private func completed(_ exchange: Exchange, _ destination: Destination, _ result: DNSQueryClient.Result) {
        guard exchanges[destination] === exchange else { return }
        let zone = exchange.transfer.zoneLabel
        let to = "\(destination.host) port \(destination.port)"
        switch result {
        case .response(let bytes):
            exchange.cancel()
            exchanges[destination] = nil
            // RFC 1996 §4.7: any answer ends the retries; an error means it will not take
            // the zone from us, and asking again would not change that.
            let rcode = NotifyResponse(bytes)?.rcode ?? .formErr
            if rcode == .noError {
                metrics.countNotify(zone: zone, result: "acknowledged")
                logger.debug("NOTIFY of \(zone) serial \(exchange.serial) acknowledged by \(to)")
            } else {
                metrics.countNotify(zone: zone, result: "rejected")
                logger.warning("NOTIFY of \(zone) serial \(exchange.serial) to \(to): answered rcode \(rcode.rawValue)")
            }
        case .failed(let failure):
            if exchange.attempt < NotifySender.maxAttempts {
                let waited = Int(loop.nowMilliseconds &- exchange.sentAt)
                let rest = max(0, NotifySender.timeout(ofAttempt: exchange.attempt) - waited)
                exchange.timer.start(after: UInt64(rest)) { [unowned self] in
                    if self.exchanges[destination] === exchange { self.send(exchange, to: destination) }
                }
                return
            }
            exchange.cancel()
            exchanges[destination] = nil
            metrics.countNotify(zone: zone, result: "failed")
            logger.warning("NOTIFY of \(zone) serial \(exchange.serial) to \(to): no answer after \(exchange.attempt) attempts (\(failure))")
        }
    }

    /// RFC 1996 §3.7: opcode NOTIFY, AA, the zone's SOA as the question, and the new SOA in
    /// the answer section as a hint; signed as a request when a key applies (RFC 8945 §5.1).
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
