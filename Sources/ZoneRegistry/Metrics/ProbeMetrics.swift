/// Loop-owned probe counters that outlive reloads: probe durations and transitions per peer.
/// A monitor looks its peers' histograms up once (`durationSlots`) and then observes by
/// index: thousands of probes a second must not each build and hash label strings.
final class ProbeMetrics {
    struct PeerKey: Hashable {
        var zone: String
        var peer: String
        var labels: PrometheusText.LabelSet { PrometheusText.LabelSet([("zone", zone), ("peer", peer)]) }
    }
    struct TransitionKey: Hashable {
        var zone: String
        var peer: String
        var to: String
        var labels: PrometheusText.LabelSet { PrometheusText.LabelSet([("zone", zone), ("peer", peer), ("to", to)]) }
    }

    private var durationIndex: [PeerKey: Int] = [:]
    private var durationKeys: [PeerKey] = []
    /// Rendered when a slot is made, not on every scrape: a scrape renders a histogram per peer.
    private var durationLabels: [PrometheusText.LabelSet] = []
    private var durationHistograms: [Histogram] = []
    /// Histogram slots sorted by zone, then peer: the scrape's order, kept here so a scrape
    /// (10,000 peers, on the loop) does not sort. Peers are added at configuration time.
    private var durationOrder: [Int] = []
    private var transitionIndex: [TransitionKey: Int] = [:]
    private var transitionKeys: [TransitionKey] = []
    private var transitionLabels: [PrometheusText.LabelSet] = []
    private var transitionCounts: [UInt64] = []
    /// Transition slots sorted by zone, peer and state, for the same reason.
    private var transitionOrder: [Int] = []

    /// The slot of each peer's duration histogram, for `observeProbe(slot:seconds:)`.
    func durationSlots(zone: String, peers: [String]) -> [Int] {
        let known = durationKeys.count
        let slots = peers.map { peer in
            let key = PeerKey(zone: zone, peer: peer)
            if let index = durationIndex[key] { return index }
            durationIndex[key] = durationHistograms.count
            durationKeys.append(key)
            durationLabels.append(key.labels)
            durationHistograms.append(.probeDuration)
            return durationHistograms.count - 1
        }
        if durationKeys.count > known {
            durationOrder = durationKeys.indices.sorted {
                (durationKeys[$0].zone, durationKeys[$0].peer) < (durationKeys[$1].zone, durationKeys[$1].peer)
            }
        }
        return slots
    }

    func observeProbe(slot: Int, seconds: Double) {
        durationHistograms[slot].observe(seconds)
    }

    func countTransition(zone: String, peer: String, to health: PeerHealth) {
        let key = TransitionKey(zone: zone, peer: peer, to: health == .up ? "up" : "down")
        if let index = transitionIndex[key] {
            transitionCounts[index] += 1
            return
        }
        let index = transitionKeys.count
        transitionIndex[key] = index
        transitionKeys.append(key)
        transitionLabels.append(key.labels)
        transitionCounts.append(1)
        let position = binarySearch(transitionOrder) { existing in
            let other = transitionKeys[existing]
            return (other.zone, other.peer, other.to) < (key.zone, key.peer, key.to)
        }
        transitionOrder.insert(index, at: position)
    }

    /// The first position in `sorted` whose element is not `before`.
    private func binarySearch(_ sorted: [Int], before: (Int) -> Bool) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if before(sorted[middle]) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    func render(into text: inout PrometheusText) {
        text.family("coredns_zoneregistry_probe_duration_seconds", .histogram, help: "Histogram of health probe durations per peer.")
        for index in durationOrder where durationHistograms[index].count > 0 {
            text.histogram("coredns_zoneregistry_probe_duration_seconds", durationLabels[index], durationHistograms[index])
        }
        text.family("coredns_zoneregistry_peer_transitions_total", .counter, help: "Counter of peer health changes, by the state entered.")
        for index in transitionOrder {
            text.sample("coredns_zoneregistry_peer_transitions_total", transitionLabels[index], transitionCounts[index])
        }
    }
}
