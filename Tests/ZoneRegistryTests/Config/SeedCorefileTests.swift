import Testing
@testable import ZoneRegistry

/// The Corefiles operators already run (SPEC §2) load as they are.
@Suite struct SeedCorefileTests {
    @Test func registryMasterLoadsToItsValues() throws {
        let configuration = try parsed(SeedCorefiles.registry)
        let peer1 = PeerConfig(
            host: name("peer1.service.pinax.network"), role: .primary,
            labels: [.init(key: "cluster-env", value: "prod")],
            ipv4: IPv4Address("172.100.0.101"), ipv6: IPv6Address("2001:db8::101"),
            probeProtocol: .http, path: "/health", port: 8080, location: location(11, 14))
        let peer3 = PeerConfig(
            host: name("peer3.service.pinax.network"), role: .secondary,
            labels: [.init(key: "cluster-env", value: "dev")],
            ipv4: IPv4Address("172.100.0.103"), ipv6: IPv6Address("2001:db8::103"),
            probeProtocol: .http, path: "/health", port: 8080, location: location(20, 14))
        let registry = RegistryConfig(
            zones: [name("service.pinax.network")], intervalMilliseconds: 5_000, timeoutMilliseconds: 10_000,
            ttl: 300, fallthroughZones: nil, mode: .delegate, rise: 1, fall: 1, failOpen: true,
            peers: [peer1, peer3], location: location(6, 5))
        let server = ServerBlockConfig(
            keys: [ServerKey(zone: .root, port: 53)], registry: registry,
            prometheus: HTTPListenAddress(host: .v4(IPv4Address(value: 0)), port: 9153),
            log: true, debug: true, location: location(1, 1))
        #expect(configuration == Configuration(servers: [server]))
    }

    @Test func peerCorefileLoadsWithLameduck() throws {
        let configuration = try parsed(SeedCorefiles.peer)
        let server = ServerBlockConfig(
            keys: [ServerKey(zone: .root, port: 53)], whoami: true,
            health: HealthDirective(address: HTTPListenAddress(host: nil, port: 8080), lameduckMilliseconds: 5_000),
            log: true, debug: true, location: location(1, 1))
        #expect(configuration == Configuration(servers: [server]))
    }

    @Test func dnsPortFlagChangesTheDefaultPort() throws {
        let configuration = try parsed(SeedCorefiles.peer, defaultPort: 1053)
        #expect(configuration.servers.map(\.keys) == [[ServerKey(zone: .root, port: 1053)]])
    }

    @Test func pluginReadmeExampleIsRejectedAtTheBadAddressOnly() throws {
        let text = SeedCorefiles.pluginReadmeExample
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let lineIndex = try #require(lines.firstIndex { $0.contains("172.100.0.1043") })
        let line = lines[lineIndex]
        let token = try #require(line.firstRange(of: "172.100.0.1043"))
        #expect(line[..<token.lowerBound].trimmingPrefix(while: { $0 == " " }) == "IPv4 ")
        let column = line.distance(from: line.startIndex, to: token.lowerBound) + 1
        #expect(configErrors(text) == ["Corefile:\(lineIndex + 1):\(column): invalid IPv4 address \"172.100.0.1043\""])
    }

    @Test func pluginReadmeExampleWithTheTypoFixedLoads() throws {
        let fixed = SeedCorefiles.pluginReadmeExample.replacingOccurrences(of: "172.100.0.1043", with: "172.100.0.103")
        let registry = try #require(try parsed(fixed).servers.first?.registry)
        #expect(registry.debug && registry.metrics)
        #expect(registry.intervalMilliseconds == 60_000 && registry.timeoutMilliseconds == 10_000)
        #expect(registry.peers.map(\.host.description) == [
            "riv-prod1.service.pinax.network.", "riv-prod2.service.pinax.network.", "mar-dev1.service.pinax.network.",
        ])
        #expect(registry.peers.map(\.ipv6?.description) == ["2001:db8:172:100::101", "2001:db8:172:100::102", "2001:db8:172:100::103"])
    }
}
