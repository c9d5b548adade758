import Logging
@testable import ZoneRegistry

let secondaryClient = ClientAddress.v4(IPv4Address("127.0.0.91")!, port: 40_000)

/// A registry serving `zoneText` with `names app www` and `transfer { to 127.0.0.91 }`, and
/// the responder that answers both its queries and its transfers.
final class TransferHarness {
    let metrics = TransferMetrics()
    private(set) var registry: Registry
    private(set) var block: ServerBlock
    private(set) var harness: Harness
    let transfer: ZoneTransfer

    private let tsig: TSIGDirective?

    init(mode: AnswerMode, peers: [PeerConfig] = standardPeers, names: [String] = ["app", "www"],
         targets: [TransferTarget] = [.address(.v4(IPv4Address("127.0.0.91")!), port: 53)], tsig: TSIGDirective? = nil) {
        self.tsig = tsig
        let config = Self.config(mode: mode, peers: peers, names: names)
        registry = Registry(config: config, serial: 2024, previous: nil)
        let transferConfig = TransferConfig(zones: [name(zoneText)], targets: targets, location: testLocation)
        transfer = ZoneTransfer(registry: registry, zone: 0, config: transferConfig, metrics: metrics,
                                logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        (block, harness) = Self.serve(registry, transfer: transfer, tsig: tsig)
    }

    static func config(mode: AnswerMode, peers: [PeerConfig], names: [String]) -> RegistryConfig {
        var config = registryConfig(mode: mode, peers: peers, nameServers: [standardNameServer])
        config.serviceNames = names
        return config
    }

    private static func serve(_ registry: Registry, transfer: ZoneTransfer, tsig: TSIGDirective?) -> (ServerBlock, Harness) {
        var blockConfig = blockConfig([zoneText], registry: registry.config)
        blockConfig.transfers = [transfer.config]
        blockConfig.tsig = tsig
        let block = ServerBlock(config: blockConfig, registry: registry)
        let transfers = BlockTransfers()
        transfers.zones[0] = transfer
        block.transfers = transfers
        let harness = Harness(zones: [(zone: zoneText, block: block)], usesTemplates: false)
        harness.responder.clock = { TransferHarness.now }
        return (block, harness)
    }

    /// A reload to `peers`: a new registry continuing this one, the same transfer state.
    func reload(peers: [PeerConfig]) {
        let config = Self.config(mode: registry.config.mode, peers: peers, names: registry.config.serviceNames)
        registry = Registry(config: config, serial: 1, previous: registry)
        transfer.attach(registry: registry, zone: 0, config: transfer.config)
        (block, harness) = Self.serve(registry, transfer: transfer, tsig: tsig)
    }

    static let now: UInt64 = 1_700_000_000

    /// Every message of the answer to `query` over `transport`, the stream drained.
    func messages(_ query: [UInt8], transport: Transport = .tcp, client: ClientAddress = secondaryClient) -> [DecodedMessage] {
        rawMessages(query, transport: transport, client: client).map { DecodedMessage($0)! }
    }

    func rawMessages(_ query: [UInt8], transport: Transport = .tcp, client: ClientAddress = secondaryClient) -> [[UInt8]] {
        let (_, first) = harness.raw(query, transport: transport, client: client)
        var messages = [first]
        if let stream = harness.responder.takeStream() {
            var buffer = [UInt8](repeating: 0, count: 65_535)
            while true {
                let length = buffer.withUnsafeMutableBytes { stream.nextMessage(into: $0) }
                if length == 0 { break }
                messages.append(Array(buffer[..<length]))
            }
            stream.finish(completed: true)
        }
        return messages
    }

    func records(_ query: [UInt8], transport: Transport = .tcp) -> [DecodedRecord] {
        messages(query, transport: transport).flatMap(\.answer)
    }

    func axfr() -> [DecodedRecord] { records(makeQuery(zoneText, .axfr)) }

    func ixfr(from serial: UInt32, transport: Transport = .tcp, payload: UInt16? = nil) -> [DecodedRecord] {
        records(ixfrQuery(serial: serial, payload: payload), transport: transport)
    }
}

/// An IXFR query with the client's SOA in the authority section (RFC 1995 §3), owner by pointer.
func ixfrQuery(serial: UInt32, id: UInt16 = 0x4242, payload: UInt16? = nil) -> [UInt8] {
    var bytes = be16(id) + be16(0) + be16(1) + be16(0) + be16(1) + be16(payload == nil ? 0 : 1)
    bytes += wire(zoneText) + be16(RecordType.ixfr.rawValue) + be16(RecordClass.in.rawValue)
    let rdata = wire("ns.service.example.net") + wire("hostmaster.service.example.net")
        + be16(UInt16(serial >> 16)) + be16(UInt16(serial & 0xffff)) + [UInt8](repeating: 0, count: 16)
    bytes += [0xc0, 12] + be16(RecordType.soa.rawValue) + be16(1) + be16(0) + be16(0) + be16(UInt16(rdata.count)) + rdata
    if let payload { bytes += [0] + be16(RecordType.opt.rawValue) + be16(payload) + [0, 0, 0, 0, 0, 0] }
    return bytes
}

/// A record reduced to what two servers must agree on: owner (lowercase), type, RDATA.
struct RecordKey: Hashable, CustomStringConvertible {
    let owner: String
    let type: UInt16
    let data: String

    init(_ record: DecodedRecord, owner: [UInt8]? = nil) {
        self.owner = presentation(owner ?? record.owner).lowercased()
        type = record.type.rawValue
        switch record.rdata {
        case .a(let v4): data = v4.description
        case .aaaa(let v6): data = v6.description
        case .name(let target): data = presentation(target).lowercased()
        case .soa(_, _, let serial, _, _, _, _): data = "soa \(serial)"
        default: data = "?"
        }
    }

    var description: String { "\(owner) \(type) \(data)" }
}

func presentation(_ wire: [UInt8]) -> String {
    var text = ""
    var index = 0
    while index < wire.count, wire[index] != 0 {
        let length = Int(wire[index])
        text += String(decoding: wire[(index + 1)...(index + length)], as: UTF8.self) + "."
        index += length + 1
    }
    return text.isEmpty ? "." : text
}

/// What a secondary holding `zone` answers (RFC 1034 §4.3.2, simplified to this zone's
/// shapes): a referral at the deepest cut at or above the name, else the records at the
/// name (or a CNAME), else the `*.Z` wildcard for a name that does not exist.
struct SecondaryView {
    let records: [DecodedRecord]
    let apex: String

    enum Answer: Equatable {
        case data(Set<RecordKey>)
        case referral(ns: Set<RecordKey>, glue: Set<RecordKey>)
    }

    func answer(_ qname: String, _ qtype: RecordType) -> Answer {
        let qname = qname.lowercased()
        var cut = qname
        while cut != apex, cut.hasSuffix("." + apex) {
            let ns = keys(owner: cut, type: .ns)
            if !ns.isEmpty {
                let targets = Set(ns.map(\.data))
                let glue = Set(records.map { RecordKey($0) }.filter {
                    targets.contains($0.owner) && ($0.type == RecordType.a.rawValue || $0.type == RecordType.aaaa.rawValue)
                })
                return .referral(ns: ns, glue: glue)
            }
            cut = String(cut.drop(while: { $0 != "." }).dropFirst())
        }
        if exists(qname) {
            let cname = keys(owner: qname, type: .cname)
            return .data(cname.isEmpty || qtype == .cname ? keys(owner: qname, type: qtype) : cname)
        }
        let wildcard = "*." + apex
        guard exists(wildcard), !isEmptyNonTerminal(qname) else { return .data([]) }
        return .data(Set(records.filter { presentation($0.owner).lowercased() == wildcard && $0.type == qtype }
            .map { RecordKey($0, owner: wire(qname)) }))
    }

    private func keys(owner: String, type: RecordType) -> Set<RecordKey> {
        Set(records.filter { $0.type == type }.map { RecordKey($0) }.filter { $0.owner == owner })
    }

    private func exists(_ name: String) -> Bool {
        records.contains { presentation($0.owner).lowercased() == name }
    }

    private func isEmptyNonTerminal(_ name: String) -> Bool {
        records.contains { presentation($0.owner).lowercased().hasSuffix("." + name) }
    }
}

extension DecodedMessage {
    /// The registry's answer in the same terms.
    var view: SecondaryView.Answer {
        if !aa, authority.contains(where: { $0.type == .ns }) {
            return .referral(ns: Set(authority.filter { $0.type == .ns }.map { RecordKey($0) }),
                             glue: Set(glue.map { RecordKey($0) }))
        }
        return .data(Set(answer.map { RecordKey($0) }))
    }
}
