import Foundation
import Testing

/// A real resolver in front of the registry, as at a site: `unbound` with a stub zone for
/// `example.test` at the registry (`delegate` mode) follows the referral
/// `app.example.test NS prodN.example.test` + glue to that cluster's own DNS on port 53 of its
/// gateway address, 127.0.3.21 or .22. When a cluster's health endpoint dies, the registry's
/// referral leaves it, and the next resolution reaches the other cluster.
@Suite(.serialized) struct ResolverHealthEndToEndTests {
    static let gateways = ["127.0.3.21", "127.0.3.22"]
    static let resolverAddress = "127.0.3.200"

    /// A cluster's own DNS: another zoneregistry, authoritative for `app.example.test`,
    /// answering every name below it with the cluster's gateway address (its one peer is
    /// itself, probed on its own DNS port), so an answer tells which cluster gave it.
    static func clusterCorefile(gateway: String) -> String {
        """
        app.example.test:53 {
            bind \(gateway)
            zoneregistry {
                interval 300
                ttl 0
                mode address
                peer gw.app.example.test {
                    ipv4 \(gateway)
                    protocol tcp
                    port 53
                }
            }
        }
        """
    }

    static let registryCorefile = """
        example.test:PORT {
            bind 127.0.0.1
            zoneregistry {
                interval 1
                timeout 500ms
                ttl 1
                mode delegate
                peer prod1.example.test {
                    ipv4 \(gateways[0])
                }
                peer prod2.example.test {
                    ipv4 \(gateways[1])
                }
            }
        }
        """

    @Test func unboundFollowsTheReferralToAHealthyClusterAndLeavesADeadOne() throws {
        let health = try Self.gateways.map { try PeerProcess(address: $0) }
        let clusterDNS = try Self.gateways.map { try DaemonProcess(corefile: Self.clusterCorefile(gateway: $0)) }
        let registry = try DaemonProcess(corefile: Self.registryCorefile)
        #expect(eventually(timeout: FailoverHealthEndToEndTests.detection) {
            registry.logCount("peer prod1.example.test. up") + registry.logCount("peer prod2.example.test. up") == 2
        })
        let resolver = try UnboundProcess(address: Self.resolverAddress, stubZone: "example.test",
                                          stubAddress: "127.0.0.1", stubPort: registry.port)

        let first = try resolver.resolve("www1.app.example.test")
        #expect(first.status == "NOERROR")
        let reached = try #require(first.answer.first?.data, "resolved through the referral: \(first.raw)")
        let index = try #require(Self.gateways.firstIndex(of: reached))
        let other = Self.gateways[1 - index]

        // Only the health endpoint dies; the cluster's DNS keeps answering, so nothing but the
        // registry's referral can steer the resolver away from it.
        health[index].stop()
        #expect(eventually(timeout: FailoverHealthEndToEndTests.detection) {
            FailoverHealthEndToEndTests.loggedDown(registry, "prod\(index + 1).example.test.")
        })
        // A resolver may still hold the old referral for the registry's `ttl 1`, and unbound
        // counts TTLs in whole seconds: wait that out. From then on, every resolution (a fresh
        // name each time, nothing cached can answer it) is referred to the other cluster only.
        Thread.sleep(forTimeInterval: 2.1)
        let reachedAfter = try (2...6).map { try resolver.resolve("www\($0).app.example.test").answer.map(\.data) }
        #expect(reachedAfter == Array(repeating: [other], count: 5))
        #expect(try Dig.query("www.app.example.test", port: 53, server: reached).answer.map(\.data) == [reached],
                "the dead cluster's DNS still answers when asked directly")
        withExtendedLifetime((health, clusterDNS)) {}
    }
}
