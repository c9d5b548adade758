/// The quorum gauges of SPEC §9, read from the exchanges at scrape time:
/// `quorum_masters{zone,state="fresh|stale"}` (this master counts as fresh) and
/// `peer_votes{zone,peer,vote="up|down"}` (this master's own verdict and each fresh fellow's).
/// Families are written only when some registry has `quorum`.
enum QuorumGauges {
    static func render(exchanges: [QuorumExchange], into text: inout PrometheusText) {
        guard !exchanges.isEmpty else { return }
        text.family("coredns_zoneregistry_quorum_masters", .gauge,
                    help: "Registry masters whose verdicts count (fresh, this one included) or do not (stale).")
        for exchange in exchanges {
            let zone = exchange.registry.config.zones.first?.description ?? "."
            text.sample("coredns_zoneregistry_quorum_masters", [("zone", zone), ("state", "fresh")], UInt64(exchange.freshMasters))
            text.sample("coredns_zoneregistry_quorum_masters", [("zone", zone), ("state", "stale")], UInt64(exchange.staleMasters))
        }
        text.family("coredns_zoneregistry_peer_votes", .gauge,
                    help: "Fresh masters' views (this one included) that see the peer up or down.")
        for exchange in exchanges {
            let zone = exchange.registry.config.zones.first?.description ?? "."
            for (index, peer) in exchange.registry.config.peers.enumerated() {
                let votes = exchange.voteCounts(ofPeerAt: index)
                let host = peer.host.description
                text.sample("coredns_zoneregistry_peer_votes", [("zone", zone), ("peer", host), ("vote", "up")], UInt64(votes.up))
                text.sample("coredns_zoneregistry_peer_votes", [("zone", zone), ("peer", host), ("vote", "down")], UInt64(votes.down))
            }
        }
    }
}
