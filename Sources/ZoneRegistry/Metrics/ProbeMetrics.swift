/// Loop-owned probe counters that outlive reloads: probe durations and transitions per peer.
/// Probes run at most a few thousand times a second, so keyed dictionaries are fine here.
final class ProbeMetrics {
    struct PeerKey: Hashable { var zone: String; var peer: String }
    struct TransitionKey: Hashable { var zone: String; var peer: String; var to: String }

    private(set) var durations: [PeerKey: Histogram] = [:]
    private(set) var transitions: [TransitionKey: UInt64] = [:]

    func observeProbe(zone: String, peer: String, seconds: Double) {
        durations[PeerKey(zone: zone, peer: peer), default: .probeDuration].observe(seconds)
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
