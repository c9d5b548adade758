/// One query in CoreDNS's common log format (plugin/log), so existing log parsers keep working:
/// `127.0.0.1:55130 - 40185 "A IN app.example.net. udp 52 false 512" NOERROR qr,aa,rd 120 0.000063s`
enum QueryLogLine {
    static func format(qname: String, querySize: Int, outcome: QueryOutcome, transport: Transport, client: ClientAddress, seconds: Double) -> String {
        let remote: String
        switch client {
        case .v4(let address, let port): remote = "\(address):\(port)"
        case .v6(let address, let port): remote = "[\(address)]:\(port)"
        }
        let proto = transport == .udp ? "udp" : "tcp"
        let bufsize = outcome.ednsPayloadSize.map { Int($0) } ?? 512
        let request = "\(typeName(outcome.qtype)) \(className(outcome.qclass)) \(qname) \(proto) \(querySize) \(outcome.dnssecOK) \(bufsize)"
        let duration = String(format6(seconds)) + "s"
        return "\(remote) - \(outcome.id) \"\(request)\" \(rcodeName(outcome.rcode)) \(flags(outcome.responseFlags)) \(outcome.length) \(duration)"
    }

    static func typeName(_ type: UInt16) -> String {
        DNSMetrics.typeNames.first { $0.0 == type }?.1 ?? "TYPE\(type)"
    }

    static func className(_ value: UInt16) -> String {
        switch value {
        case 1: return "IN"
        case 3: return "CH"
        case 4: return "HS"
        case 255: return "ANY"
        default: return "CLASS\(value)"
        }
    }

    static func rcodeName(_ rcode: UInt16) -> String {
        if rcode < DNSMetrics.rcodeNames.count { return DNSMetrics.rcodeNames[Int(rcode)] }
        return rcode == 16 ? "BADVERS" : "RCODE\(rcode)"
    }

    /// dig-style flag list of the response header; "-" when nothing was sent.
    static func flags(_ word: UInt16) -> String {
        let names: [(UInt16, String)] = [(0x8000, "qr"), (0x0400, "aa"), (0x0200, "tc"), (0x0100, "rd"), (0x0080, "ra"), (0x0020, "ad"), (0x0010, "cd")]
        let set = names.filter { word & $0.0 != 0 }.map(\.1)
        return set.isEmpty ? "-" : set.joined(separator: ",")
    }

    /// Seconds with six decimals, as Go's %f would print a small duration.
    private static func format6(_ seconds: Double) -> String {
        let micros = Int((seconds * 1_000_000).rounded())
        let fraction = String(micros % 1_000_000)
        return "\(micros / 1_000_000)." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }
}
