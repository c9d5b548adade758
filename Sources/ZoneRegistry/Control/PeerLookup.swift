/// Finds the peers an override request names: a host (`prod1.example.net`, final dot and case
/// optional), a host's first label when only one host has it (`prod1`), or every peer carrying
/// all labels of a selector (`cluster-env=dev`), across every registry.
struct PeerLookup {
    let registries: [Registry]

    enum Failure: Error, Equatable, CustomStringConvertible {
        case unknown(String)
        case ambiguous(String, [String])
        case badSelector(String)
        case noMatch(String)

        var description: String {
            switch self {
            case .unknown(let name): "no peer \(quoted(name)) in any zone"
            case .ambiguous(let name, let hosts): "\(quoted(name)) names several peers: \(hosts.joined(separator: ", ")); give the full host"
            case .badSelector(let text): "invalid selector \(quoted(text)); expected KEY=VALUE[,KEY=VALUE...]"
            case .noMatch(let text): "no peer carries the labels \(text)"
            }
        }
    }

    /// Every configured host, in configuration order, once.
    var hosts: [String] {
        var seen = Set<String>()
        return registries.flatMap { $0.config.peers.map { $0.host.description } }.filter { seen.insert($0).inserted }
    }

    func host(named text: String) throws(Failure) -> String {
        let lowered = text.lowercased()
        let full = lowered.hasSuffix(".") ? lowered : lowered + "."
        let all = hosts
        if all.contains(full) { return full }
        let byLabel = all.filter { $0.split(separator: ".").first.map(String.init) == lowered }
        if byLabel.count == 1 { return byLabel[0] }
        if byLabel.count > 1 { throw .ambiguous(text, byLabel) }
        throw .unknown(text)
    }

    /// `k=v,k2=v2` (or several `select=` parameters joined): the hosts carrying every pair.
    func hosts(selecting selectors: [String]) throws(Failure) -> [String] {
        var wanted: [PeerConfig.Label] = []
        for text in selectors {
            for pair in text.split(separator: ",", omittingEmptySubsequences: false) {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2, !parts[0].isEmpty else { throw .badSelector(text) }
                wanted.append(PeerConfig.Label(key: String(parts[0]), value: String(parts[1])))
            }
        }
        guard !wanted.isEmpty else { throw .badSelector(selectors.joined(separator: ",")) }
        var seen = Set<String>()
        let matching = registries.flatMap { registry in
            registry.config.peers.filter { peer in wanted.allSatisfy(peer.labels.contains) }.map { $0.host.description }
        }.filter { seen.insert($0).inserted }
        guard !matching.isEmpty else { throw .noMatch(wanted.map { "\($0.key)=\($0.value)" }.joined(separator: ",")) }
        return matching
    }
}
