import Foundation
import Testing

/// SPEC §2's standalone deployment, as the plugin's docker-compose end-to-end test ran it: one
/// registry ("master") and three peer clusters, every one of them this binary, on loopback
/// addresses instead of the docker network. The Corefiles are the seed's except for:
/// addresses (each process `bind`s its own, DNS on port 53 as a referral's glue requires),
/// a third peer (`peer2`, primary, as in the plugin README), no IPv6 lines (only loopback may
/// be probed), `prometheus` on a test port, and a 1 s interval so failover shows in seconds.
/// The peers keep the seed's exact `health { lameduck 5s }`.
@Suite(.serialized) final class SeedDeploymentEndToEndTests {
    static let master = "127.0.5.1"
    static let peerAddresses = ["peer1": "127.0.5.11", "peer2": "127.0.5.12", "peer3": "127.0.5.13"]

    static func peerCorefile(_ address: String) -> String {
        """
        . {
            bind \(address)
            debug
            log
            whoami
            health \(address):8080 {
                lameduck 5s
            }
        }
        """
    }

    static let masterCorefile = """
        . {
            bind 127.0.5.1
            debug
            log
            prometheus 127.0.5.1:PORT

            zoneregistry service.pinax.network {
                interval 1
                timeout 500ms
                ttl 300

                peer peer1.service.pinax.network {
                    role primary
                    labels cluster-env=prod
                    ipv4 127.0.5.11
                    protocol http
                    path /health
                    port 8080
                }
                peer peer2.service.pinax.network {
                    role primary
                    labels cluster-env=prod
                    ipv4 127.0.5.12
                    protocol http
                    path /health
                    port 8080
                }
                peer peer3.service.pinax.network {
                    role secondary
                    labels cluster-env=dev
                    ipv4 127.0.5.13
                    protocol http
                    path /health
                    port 8080
                }
            }
        }
        """

    var peers: [String: DaemonProcess] = [:]
    let registry: DaemonProcess

    /// Peers first, then the master, which logs each peer's first verdict.
    init() throws {
        for (name, address) in Self.peerAddresses {
            peers[name] = try DaemonProcess(corefile: Self.peerCorefile(address))
        }
        registry = try DaemonProcess(corefile: Self.masterCorefile)
        for name in Self.peerAddresses.keys.sorted() {
            #expect(registry.waitForLog("peer \(name).service.pinax.network. up", timeout: 5), "\(registry.logText)")
        }
    }

    /// The peer hosts a delegation of `app` names, in any order.
    func referral(_ name: String = "www.app.service.pinax.network") throws -> Set<String> {
        let answer = try Dig.query(name, "A", port: 53, server: Self.master)
        return Set(answer.authority.filter { $0.type == "NS" }.map(\.data))
    }

    static let primaries: Set<String> = ["peer1.service.pinax.network.", "peer2.service.pinax.network."]

    @Test func serviceNamesAreReferredToHealthyPrimariesWhoseDNSAnswersTheReferral() throws {
        let answer = try Dig.query("www.app.service.pinax.network", "A", port: 53, server: Self.master)
        #expect(answer.status == "NOERROR")
        #expect(!answer.isAuthoritative)
        #expect(answer.answer.isEmpty)
        #expect(Set(answer.authority.map(\.description)) == [
            "app.service.pinax.network. 300 NS peer1.service.pinax.network.",
            "app.service.pinax.network. 300 NS peer2.service.pinax.network.",
        ])
        #expect(Set(answer.additional.map(\.description)) == [
            "peer1.service.pinax.network. 300 A 127.0.5.11",
            "peer2.service.pinax.network. 300 A 127.0.5.12",
        ])

        // A resolver follows the glue to the peer's own DNS (port 53 of its address): whoami there.
        for glue in answer.additional {
            let fromPeer = try Dig.query("www.app.service.pinax.network", "A", port: 53, server: glue.data)
            #expect(fromPeer.status == "NOERROR")
            #expect(fromPeer.additional.contains { $0.type == "A" && $0.data == "127.0.0.1" }, "\(fromPeer.raw)")
            #expect(fromPeer.additional.contains { $0.name == "_udp.www.app.service.pinax.network." && $0.type == "SRV" })
        }
        let peer1 = try #require(peers["peer1"])
        #expect(peer1.waitForLog("\"A IN www.app.service.pinax.network. udp "), "\(peer1.logText)")

        // The secondary's host is still referred to its own cluster.
        let secondary = try Dig.query("peer3.service.pinax.network", "A", port: 53, server: Self.master)
        #expect(secondary.authority.map(\.description) == ["peer3.service.pinax.network. 300 NS peer3.service.pinax.network."])
        let soa = try Dig.query("service.pinax.network", "SOA", port: 53, server: Self.master)
        #expect(soa.isAuthoritative)
        #expect(soa.answer.first?.data.hasPrefix("ns1.service.pinax.network. hostmaster.service.pinax.network.") == true)

        // `debug` shows every probe's verdict; `log` one CoreDNS-format line per query.
        #expect(registry.stop() == 0)
        #expect(registry.stderrText.contains("[DEBUG] plugin/zoneregistry: peer peer2.service.pinax.network. probe: pass"), "\(registry.stderrText)")
        #expect(registry.stderrText.contains("\"A IN www.app.service.pinax.network. udp "))
        #expect(registry.stderrText.contains("\"SOA IN service.pinax.network. udp "))
    }

    @Test func aPeerInLameduckStaysHealthyUntilItExitsThenTheMasterFailsOverAndTakesItBackWhenRestarted() throws {
        let peer1 = try #require(peers["peer1"])
        #expect(try referral() == Self.primaries)

        let signalled = Date()
        peer1.signal(SIGTERM)
        #expect(peer1.waitForLog("plugin/health: Going into lameduck mode for 5s", timeout: 2))
        // For most of the 5 s the peer's /health stays 200, its DNS answers, and the master keeps it.
        var checks = 0
        while Date().timeIntervalSince(signalled) < 3.5 {
            #expect(try Curl.get("http://127.0.5.11:8080/health").status == 200)
            #expect(try Dig.query("x.service.pinax.network", "A", port: 53, server: "127.0.5.11").status == "NOERROR")
            #expect(try referral() == Self.primaries)
            checks += 1
            usleep(400_000)
        }
        #expect(checks >= 3)
        #expect(peer1.waitForExit() == 0)
        #expect(peer1.stderrText.contains("shutting down"))
        #expect(try Curl.get("http://127.0.5.11:8080/health").status == 0)

        // One interval plus one timeout later peer1 is down and out of every answer.
        #expect(try eventually(timeout: 3) { try referral() == ["peer2.service.pinax.network."] })
        #expect(registry.waitForLog("[INFO] plugin/zoneregistry: peer peer1.service.pinax.network. down: connect refused", timeout: 1))
        for _ in 0..<5 {
            #expect(try referral() == ["peer2.service.pinax.network."])
        }

        peers["peer1"] = try DaemonProcess(corefile: Self.peerCorefile("127.0.5.11"))
        #expect(try eventually(timeout: 3) { try referral() == Self.primaries })
        #expect(registry.waitForLog("peer peer1.service.pinax.network. up", count: 2, timeout: 1))
    }

    @Test func whenEveryPrimaryIsDownTheSecondaryAnswersUntilAPrimaryReturns() throws {
        let peer1 = try #require(peers["peer1"])
        let peer2 = try #require(peers["peer2"])
        // A crash, not a rolling restart: no lameduck.
        peer1.signal(SIGKILL)
        peer2.signal(SIGKILL)
        #expect(try eventually(timeout: 3) { try referral() == ["peer3.service.pinax.network."] })
        let answer = try Dig.query("www.app.service.pinax.network", "A", port: 53, server: Self.master)
        #expect(answer.additional.map(\.description) == ["peer3.service.pinax.network. 300 A 127.0.5.13"])

        peers["peer2"] = try DaemonProcess(corefile: Self.peerCorefile("127.0.5.12"))
        #expect(try eventually(timeout: 3) { try referral() == ["peer2.service.pinax.network."] })
    }
}
