/// `coredns_zoneregistry_peer_override{zone,peer,state}`: one sample of value 1 per peer
/// under an operator override (`drain` or `up`), none for peers in `auto`, so the family
/// costs nothing on a registry nobody overrides. Read from the registries at scrape time.
enum OverrideGauges {
    static func render(registries: [Registry], into text: inout PrometheusText) {
        text.family("coredns_zoneregistry_peer_override", .gauge,
                    help: "1 for a peer under an operator override (state drain or up); absent in auto.")
        for registry in registries {
            let zone = registry.config.zones.first?.description ?? "."
            for (index, peer) in registry.config.peers.enumerated() {
                guard let state = registry.override(ofPeerAt: index) else { continue }
                text.sample("coredns_zoneregistry_peer_override",
                            [("zone", zone), ("peer", peer.host.description), ("state", state.rawValue)], 1 as UInt64)
            }
        }
    }
}
