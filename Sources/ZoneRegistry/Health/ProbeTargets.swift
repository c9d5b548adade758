extension AddressProbe.Target {
    /// Every peer's probe targets, one per address (IPv4 first), with the peer's probe
    /// options in effect (SPEC §12): request headers and Host, expectation, TLS name, source.
    /// One TLS context per (insecure, tls_ca) pair is shared. Fails when a `tls_ca` cannot be
    /// loaded: a configuration error, reported before anything is replaced.
    static func all(for config: RegistryConfig) throws(TLSSetupError) -> [[AddressProbe.Target]] {
        var contexts: [String: TLSClientContext] = [:]
        var targets: [[AddressProbe.Target]] = []
        for peer in config.peers {
            var context: TLSClientContext?
            if peer.probeProtocol == .https {
                let key = "\(peer.tlsInsecure) \(peer.tlsCAFile ?? "")"
                if let cached = contexts[key] {
                    context = cached
                } else {
                    do {
                        context = try TLSClientContext(insecure: peer.tlsInsecure, caFile: peer.tlsCAFile)
                    } catch {
                        throw TLSSetupError(message: "\(peer.location): peer \(peer.host): \(error.message)")
                    }
                    contexts[key] = context
                }
            }
            targets.append(peerTargets(peer, tls: context, timeoutMilliseconds: config.timeoutMilliseconds))
        }
        return targets
    }

    private static func peerTargets(_ peer: PeerConfig, tls: TLSClientContext?, timeoutMilliseconds: Int) -> [AddressProbe.Target] {
        let host = peer.probe.host ?? peer.host
        let request = peer.probeProtocol == .tcp ? []
            : HTTPProbeRequest.bytes(path: peer.path, host: host, version: ZoneRegistryCommand.version, headers: peer.probe.headers)
        let expectation = HTTPStatusReader.Expectation(statuses: peer.probe.expect ?? .ok, bodyText: peer.probe.expectBody)
        let addresses = [peer.ipv4.map { ListenHost.v4($0) }, peer.ipv6.map { ListenHost.v6($0) }].compactMap { $0 }
        return addresses.map {
            AddressProbe.Target(address: $0, port: peer.port, source: peer.probe.source?.address(toward: $0),
                                probeProtocol: peer.probeProtocol, request: request, host: host, tls: tls,
                                timeoutMilliseconds: timeoutMilliseconds, expectation: expectation)
        }
    }
}
