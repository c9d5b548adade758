/// Corefile text → `CorefileParser.parse` → either errors that each name a place in the file,
/// or a configuration that parses the same way twice and becomes runtime blocks and
/// responders that answer a query for each of their zones.
final class CorefileFuzzer: FuzzChecker {
    private static let environment = ["ZONE": "example.org", "TTL": "30", "EMPTY": ""]
    private let response = UnsafeMutableRawBufferPointer.allocate(byteCount: WireLimit.maxMessage, alignment: 16)

    deinit { response.deallocate() }

    func check(_ input: UnsafeRawBufferPointer) throws(FuzzViolation) {
        let text = String(decoding: input, as: UTF8.self)
        let configuration: Configuration
        do {
            configuration = try CorefileParser.parse(text, file: "Corefile", environment: Self.environment)
        } catch {
            try checkErrors(error)
            return
        }
        let again: Configuration
        do {
            again = try CorefileParser.parse(text, file: "Corefile", environment: Self.environment)
        } catch {
            throw FuzzViolation("parsed once, failed the second time: \(error)")
        }
        guard again == configuration else { throw FuzzViolation("two parses of one text differ") }
        try serve(configuration)
    }

    private func checkErrors(_ errors: ConfigErrors) throws(FuzzViolation) {
        guard !errors.errors.isEmpty else { throw FuzzViolation("thrown without an error") }
        for error in errors.errors {
            guard error.location.file == "Corefile", error.location.line >= 0, error.location.column >= 0,
                  !error.message.isEmpty else {
                throw FuzzViolation("an error without a place or a message: \(error)")
            }
        }
    }

    /// What the daemon does with a configuration before opening sockets.
    private func serve(_ configuration: Configuration) throws(FuzzViolation) {
        let blocks = Daemon.makeBlocks(configuration, previous: [])
        for registry in blocks.compactMap(\.registry) {
            guard !registry.config.peers.isEmpty else { throw FuzzViolation("a registry without peers was accepted") }
        }
        let client = ClientAddress.v4(IPv4Address("192.0.2.1")!, port: 5353)
        for (_, zones) in Configuration.listenerZones(blocks: blocks) {
            let responder = QueryResponder(zones: zones)
            for (zone, _) in zones {
                var query: [UInt8] = [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]
                query += [3] + Array("www".utf8) + WireName(zone).wire + [0, 1, 0, 1]
                let outcome = query.withUnsafeBytes {
                    responder.respond(to: $0, into: response, transport: .udp, client: client)
                }
                guard outcome.length >= WireLimit.headerSize else { throw FuzzViolation("query in \(zone) not answered") }
            }
        }
    }
}
