/// Loop-owned probe counters that outlive reloads: probe durations and transitions per peer.
/// A monitor looks its peers' histograms up once (`durationSlots`) and then observes by
/// index: thousands of probes a second must not each build and hash label strings.
final class ProbeMetrics {
    struct PeerKey: Hashable { var zone: String; var peer: String }
    struct TransitionKey: Hashable { var zone: String; var peer: String; var to: String }

    private var durationIndex: [PeerKey: Int] = [:]
    private var durationHistograms: [Histogram] = []
    private(set) var transitions: [TransitionKey: UInt64] = [:]

    /// Histograms observed so far, by zone and peer.
    var durations: [PeerKey: Histogram] {
        var result: [PeerKey: Histogram] = [:]
        for (key, index) in durationIndex where durationHistograms[index].count > 0 {
            result[key] = durationHistograms[index]
        }
        return result
    }

    /// The slot of each peer's duration histogram, for `observeProbe(slot:seconds:)`.
    func durationSlots(zone: String, peers: [String]) -> [Int] {
        peers.map { peer in
            let key = PeerKey(zone: zone, peer: peer)
            if let index = durationIndex[key] { return index }
            durationIndex[key] = durationHistograms.count
            durationHistograms.append(.probeDuration)
            return durationHistograms.count - 1
        }
    }

    func observeProbe(slot: Int, seconds: Double) {
        durationHistograms[slot].observe(seconds)
    }

    func countTransition(zone: String, peer: String, to health: PeerHealth) {
        transitions[TransitionKey(zone: zone, peer: peer, to: health == .up ? "up" : "down"), default: 0] += 1
    }

    func render(into text: inout PrometheusText) {
        text.family("coredns_zoneregistry_probe_duration_seconds", .histogram, help: "Histogram of health probe durations per peer.")
        for (key, histogram) in durations.sorted(by: { ($0.key.zone, $0.key.peer) < ($1.key.zone, $1.key.peer) }) {
            text.histogram("coredns_zoneregistry_probe_duration_seconds", [("zone", key.zone), ("peer", key.peer)], histogram)
        }
        text.family("coredns_zoneregistry_peer_transitions_total", .counter, help: "Counter of peer health changes, by the state entered.")
        for (key, count) in transitions.sorted(by: { ($0.key.zone, $0.key.peer, $0.key.to) < ($1.key.zone, $1.key.peer, $1.key.to) }) {
            text.sample("coredns_zoneregistry_peer_transitions_total", [("zone", key.zone), ("peer", key.peer), ("to", key.to)], count)
        }
    }
}
