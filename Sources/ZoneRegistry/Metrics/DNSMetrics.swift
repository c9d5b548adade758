/// Loop-owned DNS counters: `coredns_dns_requests_total`, `coredns_dns_responses_total`, and
/// the registry's query count and duration histogram, with the plugin's names and labels.
///
/// Label sets are resolved to a slot when a listener is configured, so counting a query is
/// array arithmetic: no hashing of strings and no allocation on the query path.
final class DNSMetrics {
    /// `server` and `zone` labels of one slot. Request slots are a zone as served by one
    /// listener (the server block's zone, as CoreDNS labels `coredns_dns_*`); registry slots
    /// are a registry zone on one listener (the plugin's `coredns_zoneregistry_*`).
    struct SlotLabels: Hashable {
        var server: String
        var zone: String
    }

    /// Query types with their own `type` label, as CoreDNS's monitored types; the rest are "other".
    static let typeNames: [(UInt16, String)] = [
        (1, "A"), (28, "AAAA"), (5, "CNAME"), (2, "NS"), (6, "SOA"), (15, "MX"), (16, "TXT"),
        (12, "PTR"), (33, "SRV"), (255, "ANY"), (43, "DS"), (48, "DNSKEY"), (65, "HTTPS"),
    ]
    /// `typeNames.count` + 1 for "other". Counts on the query path are literals: a static
    /// computed from an array is a lazily initialised global, checked on every use (`init`
    /// verifies that they agree with the lists).
    private static let typeCount = 14
    /// proto (udp, tcp) × family (1 = IPv4, 2 = IPv6) × type
    private static let requestCells = 2 * 2 * typeCount
    static let rcodeNames = ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
                             "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE"]
    private static let rcodeCount = 11
    private static let rcodeCells = rcodeCount + 2  // + BADVERS (16), + other

    private(set) var slots: [SlotLabels] = []
    private var slotIndex: [SlotLabels: Int] = [:]
    private let requests = CounterCells<UInt64>()
    private let responses = CounterCells<UInt64>()
    private(set) var registrySlots: [SlotLabels] = []
    private var registrySlotIndex: [SlotLabels: Int] = [:]
    /// Per registry slot, `durationBounds.count + 1` bucket counts (the last is +Inf).
    private let registryBuckets = CounterCells<UInt64>()
    private let registrySums = CounterCells<Double>()
    private let durationBounds = Histogram.dnsDuration.bounds

    init() {
        precondition(DNSMetrics.typeCount == DNSMetrics.typeNames.count + 1
                     && DNSMetrics.rcodeCount == DNSMetrics.rcodeNames.count)
    }

    /// The request slot for a label set, created on first use (at configuration time, not per query).
    func slot(server: String, zone: String) -> Int {
        let labels = SlotLabels(server: server, zone: zone)
        if let index = slotIndex[labels] { return index }
        let index = slots.count
        slots.append(labels)
        slotIndex[labels] = index
        _ = requests.grow(by: DNSMetrics.requestCells)
        _ = responses.grow(by: DNSMetrics.rcodeCells)
        return index
    }

    /// The registry slot for a registry zone on a listener, created on first use.
    func registrySlot(server: String, zone: String) -> Int {
        let labels = SlotLabels(server: server, zone: zone)
        if let index = registrySlotIndex[labels] { return index }
        let index = registrySlots.count
        registrySlots.append(labels)
        registrySlotIndex[labels] = index
        _ = registryBuckets.grow(by: durationBounds.count + 1)
        _ = registrySums.grow(by: 1)
        return index
    }

    /// The position of `qtype` in `typeNames`: a switch the compiler turns into a table,
    /// where scanning the list cost a dozen compares per query.
    @inline(__always)
    static func typeIndex(_ qtype: UInt16) -> Int {
        switch qtype {
        case 1: return 0
        case 28: return 1
        case 5: return 2
        case 2: return 3
        case 6: return 4
        case 15: return 5
        case 16: return 6
        case 12: return 7
        case 33: return 8
        case 255: return 9
        case 43: return 10
        case 48: return 11
        case 65: return 12
        default: return typeCount - 1
        }
    }

    @inline(__always)
    private static func rcodeIndex(_ rcode: UInt16) -> Int {
        if rcode < UInt16(rcodeCount) { return Int(rcode) }
        return rcode == 16 ? rcodeCount : rcodeCount + 1
    }

    /// Counts one query and its response.
    @inline(__always)
    func record(slot: Int, tcp: Bool, ipv6: Bool, qtype: UInt16, rcode: UInt16, answered: Bool) {
        let cell = ((tcp ? 1 : 0) * 2 + (ipv6 ? 1 : 0)) * DNSMetrics.typeCount + DNSMetrics.typeIndex(qtype)
        requests.add(1, at: slot * DNSMetrics.requestCells + cell)
        if answered {
            responses.add(1, at: slot * DNSMetrics.rcodeCells + DNSMetrics.rcodeIndex(rcode))
        }
    }

    /// Counts one query a registry answered. `seconds` is the time from receipt to send.
    @inline(__always)
    func recordRegistry(slot: Int, seconds: Double) {
        var bucket = 0
        while bucket < durationBounds.count && seconds > durationBounds[bucket] { bucket += 1 }
        registryBuckets.add(1, at: slot * (durationBounds.count + 1) + bucket)
        registrySums.add(seconds, at: slot)
    }

    /// The registry slot's duration histogram, for rendering and tests.
    func registryDuration(slot: Int) -> Histogram {
        let first = slot * (durationBounds.count + 1)
        return Histogram(bounds: durationBounds, counts: (0...durationBounds.count).map { registryBuckets[first + $0] },
                         sum: registrySums[slot])
    }

    func render(into text: inout PrometheusText) {
        text.family("coredns_dns_requests_total", .counter, help: "Counter of DNS requests made per zone, protocol and family.")
        for (slot, labels) in slots.enumerated() {
            for cell in 0..<DNSMetrics.requestCells {
                let value = requests[slot * DNSMetrics.requestCells + cell]
                guard value > 0 else { continue }
                let type = cell % DNSMetrics.typeCount
                let family = (cell / DNSMetrics.typeCount) % 2 == 0 ? "1" : "2"
                let proto = cell / (DNSMetrics.typeCount * 2) == 0 ? "udp" : "tcp"
                let typeName = type < DNSMetrics.typeNames.count ? DNSMetrics.typeNames[type].1 : "other"
                text.sample("coredns_dns_requests_total", [("server", labels.server), ("zone", labels.zone),
                            ("proto", proto), ("family", family), ("type", typeName)], value)
            }
        }
        text.family("coredns_dns_responses_total", .counter, help: "Counter of response status codes.")
        for (slot, labels) in slots.enumerated() {
            for cell in 0..<DNSMetrics.rcodeCells {
                let value = responses[slot * DNSMetrics.rcodeCells + cell]
                guard value > 0 else { continue }
                let name = cell < DNSMetrics.rcodeNames.count ? DNSMetrics.rcodeNames[cell] : (cell == DNSMetrics.rcodeNames.count ? "BADVERS" : "other")
                text.sample("coredns_dns_responses_total", [("server", labels.server), ("zone", labels.zone), ("rcode", name)], value)
            }
        }
        text.family("coredns_zoneregistry_query_count_total", .counter, help: "Counter of queries answered by the zone registry.")
        for (slot, labels) in registrySlots.enumerated() {
            // The histogram counts every registry query once: its total is this counter.
            text.sample("coredns_zoneregistry_query_count_total", [("server", labels.server), ("zone", labels.zone)],
                        registryDuration(slot: slot).count)
        }
        text.family("coredns_zoneregistry_response_duration_seconds", .histogram, help: "Histogram of the time each zone registry query took.")
        for (slot, labels) in registrySlots.enumerated() {
            text.histogram("coredns_zoneregistry_response_duration_seconds", [("server", labels.server), ("zone", labels.zone)], registryDuration(slot: slot))
        }
    }
}
