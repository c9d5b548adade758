/// One zone of a `zoneregistry` directive with the names its SOA needs, prepared at load.
struct RegistryZone {
    let name: WireName
    /// SOA MNAME: the first `ns` name, or `ns1.Z` when none is configured (SPEC §4).
    let primaryNameServer: WireName
    /// SOA RNAME: `hostmaster.Z`, the RFC 2142 mailbox.
    let responsibleMailbox: WireName

    init(zone: DomainName, nameServers: [NameServerConfig]) {
        name = WireName(zone)
        // A zone too long to take another label keeps its own name: still a valid SOA.
        let fallback = (try? zone.prepending(label: "ns1")) ?? zone
        primaryNameServer = WireName(nameServers.first?.name ?? fallback)
        responsibleMailbox = WireName((try? zone.prepending(label: "hostmaster")) ?? zone)
    }
}
