import Foundation
import Testing

/// deploy/kubernetes/ run as far as a machine without a cluster can: the masters' Corefile
/// from the ConfigMap, three times (zoneregistry-0/1/2, POD_NAME as the downward API sets it),
/// and for each of the three peers the gateway's Corefile plus the ingress-health sidecar's
/// script from its ConfigMap, in front of a stand-in for the cluster's ingress. What the test
/// changes, and why:
/// - addresses: each process binds its own 127.0.15.x (a pod has its own network namespace);
///   the Corefiles' documentation addresses become those (masters .1-.3, gateways .11-.13,
///   ingresses .21-.23);
/// - the masters probe port 8090, the sidecar itself: in the cluster the gateway Service's port
///   8080 forwards there;
/// - `interval 1` instead of 5, so a failover shows in seconds (rise and fall stay 2);
/// - the Secret's files and the state volume are folders of the test (`MasterPodFiles`), and
///   `control` listens on the master's own address instead of 127.0.0.1;
/// - the secondaries of `transfer` are 127.0.15.31-32 (nothing listens there: NOTIFY goes
///   unanswered, dig asks for the transfer from those addresses).
@Suite(.serialized) final class KubernetesDeploymentEndToEndTests {
    static let masters = [("zoneregistry-0", "127.0.15.1"), ("zoneregistry-1", "127.0.15.2"), ("zoneregistry-2", "127.0.15.3")]
    /// peer, its gateway's address in the masters' ConfigMap, on loopback, its ingress's.
    static let gateways = [("prod1", "198.51.100.10", "127.0.15.11", "127.0.15.21"),
                           ("prod2", "203.0.113.10", "127.0.15.12", "127.0.15.22"),
                           ("dev1", "198.51.100.20", "127.0.15.13", "127.0.15.23")]
    static let nsAddresses = ["192.0.2.10": "127.0.15.1", "192.0.2.11": "127.0.15.2", "192.0.2.12": "127.0.15.3"]
    static let secondaries = ["203.0.113.53": "127.0.15.31", "203.0.113.54": "127.0.15.32"]

    static func masterCorefile(_ address: String, files: MasterPodFiles) throws -> String {
        var addresses = nsAddresses.merging(secondaries) { $1 }
        for (_, published, loopback, _) in gateways { addresses[published] = loopback }
        let corefile = try KubernetesManifest.configMapValue("Corefile", in: "masters/configmap.yaml")
        return try KubernetesManifest.onLoopback(corefile, bind: address, addresses: addresses, words: files.paths.merging(
            ["port 8080": "port 8090", "interval 5": "interval 1", "127.0.0.1:8053": "\(address):8053"]) { $1 })
    }

    var ingresses: [String: PeerProcess] = [:]
    var sidecars: [IngressHealthSidecar] = []
    var gatewayDaemons: [DaemonProcess] = []
    var registries: [DaemonProcess] = []
    var podFiles: [MasterPodFiles] = []

    init() throws {
        let gatewayCorefile = try KubernetesManifest.configMapValue("Corefile", in: "gateway/configmap.yaml")
        for (peer, _, address, ingress) in Self.gateways {
            ingresses[peer] = try PeerProcess(address: ingress, port: 80)
            sidecars.append(try IngressHealthSidecar(listen: "\(address):8090", ingressURL: "http://\(ingress)/healthz",
                                                     host: "health.\(peer).service.example.net"))
            gatewayDaemons.append(try DaemonProcess(corefile: try KubernetesManifest.onLoopback(gatewayCorefile, bind: address)))
        }
        for (pod, address) in Self.masters {
            let files = try MasterPodFiles()
            podFiles.append(files)
            registries.append(try DaemonProcess(corefile: try Self.masterCorefile(address, files: files), environment: ["POD_NAME": pod]))
        }
        for registry in registries {
            #expect(try eventually(timeout: 5) { try Curl.get("http://\(Self.address(of: registry)):8181/ready").status == 200 }, "\(registry.logText)")
        }
    }

    deinit {
        registries.removeAll()
        for files in podFiles { files.remove() }
    }

    static func address(of registry: DaemonProcess) -> String {
        (try? String(contentsOf: registry.corefile, encoding: .utf8))?.firstMatch(of: /bind (\S+)/).map { String($0.1) } ?? ""
    }

    /// The peer hosts a master refers `www.app` to.
    func referral(from master: String) throws -> Set<String> {
        let answer = try Dig.query("www.app.service.example.net", "A", port: 53, server: master)
        return Set(answer.authority.filter { $0.type == "NS" }.map(\.data))
    }

    static let primaries: Set<String> = ["prod1.service.example.net.", "prod2.service.example.net."]

    @Test func everyMasterServesTheZoneFromTheConfigMapAndItsReferralsReachAGatewaysDNS() throws {
        for (_, master) in Self.masters {
            let soa = try Dig.query("service.example.net", "SOA", port: 53, server: master)
            #expect(soa.status == "NOERROR" && soa.isAuthoritative, "\(soa.raw)")
            #expect(soa.answer.first?.data.hasPrefix("zoneregistry-0.service.example.net. hostmaster.service.example.net.") == true, "\(soa.raw)")
            let ns = try Dig.query("service.example.net", "NS", port: 53, server: master)
            #expect(Set(ns.answer.map(\.data)) == Set(Self.masters.map { "\($0.0).service.example.net." }), "\(ns.raw)")
            #expect(Set(ns.additional.map(\.description)) == Set(Self.masters.map { "\($0.0).service.example.net. 30 A \($0.1)" }))

            let answer = try Dig.query("www.app.service.example.net", "A", port: 53, server: master)
            #expect(Set(answer.authority.map(\.description)) == [
                "app.service.example.net. 30 NS prod1.service.example.net.",
                "app.service.example.net. 30 NS prod2.service.example.net.",
            ], "\(answer.raw)")
            #expect(Set(answer.additional.map(\.description)) == [
                "prod1.service.example.net. 30 A 127.0.15.11",
                "prod2.service.example.net. 30 A 127.0.15.12",
            ])
            #expect(try Curl.get("http://\(master):8080/health").body == "OK")
            #expect(try Curl.get("http://\(master):9153/metrics").body.contains("coredns_zoneregistry_peer_up{zone=\"service.example.net.\",peer=\"dev1.service.example.net.\",role=\"secondary\"} 1"))
        }
        // `self {$POD_NAME}...` made each pod one `ns` entry and the others its fellows: every
        // master takes every fellow's signed view (the `quorum` key from the Secret).
        for (index, registry) in registries.enumerated() {
            for (fellow, _) in Self.masters where fellow != Self.masters[index].0 {
                #expect(registry.waitForLog("fellow master \(fellow).service.example.net. fresh", timeout: 5), "\(registry.logText)")
            }
        }
        // A resolver follows the glue to the gateway's own DNS: the seed peer's whoami.
        let fromGateway = try Dig.query("www.app.service.example.net", "A", port: 53, server: "127.0.15.11")
        #expect(fromGateway.status == "NOERROR")
        #expect(fromGateway.additional.contains { $0.type == "A" && $0.data == "127.0.0.1" }, "\(fromGateway.raw)")
        #expect(fromGateway.additional.contains { $0.name == "_udp.www.app.service.example.net." && $0.type == "SRV" })
    }

    @Test func aClusterWhoseIngressFailsLeavesEveryMastersAnswersThroughTheSidecarAndReturns() throws {
        for (_, master) in Self.masters { #expect(try referral(from: master) == Self.primaries) }
        // The gateway's DNS and its own /health are fine; only the ingress behind the sidecar is gone.
        try #require(ingresses["prod1"]).stop()
        #expect(try Curl.get("http://127.0.15.11:8090/health").status == 503)
        #expect(try Curl.get("http://127.0.15.11:8080/health").status == 200)
        for (_, master) in Self.masters {
            #expect(try eventually(timeout: 5) { try referral(from: master) == ["prod2.service.example.net."] }, "\(master)")
        }
        #expect(registries[0].waitForLog("peer prod1.service.example.net. down: status 503", timeout: 1), "\(registries[0].logText)")

        try #require(ingresses["prod1"]).start()
        for (_, master) in Self.masters {
            #expect(try eventually(timeout: 5) { try referral(from: master) == Self.primaries }, "\(master)")
        }
    }

    @Test func aMasterShuttingDownLeavesReadinessAtOnceButAnswersThroughItsLameduck() throws {
        let master = registries[0]
        master.signal(SIGTERM)
        #expect(master.waitForLog("plugin/health: Going into lameduck mode for 10s", timeout: 2), "\(master.logText)")
        // Kubernetes takes the pod out of its Service on /ready; resolvers that still ask it get answers.
        #expect(try Curl.get("http://127.0.15.1:8181/ready").status == 503)
        for _ in 0..<3 {
            #expect(try Dig.query("service.example.net", "SOA", port: 53, server: "127.0.15.1").status == "NOERROR")
            #expect(try Curl.get("http://127.0.15.1:8080/health").status == 200)
            #expect(try referral(from: "127.0.15.2") == Self.primaries)
            usleep(300_000)
        }
        master.signal(SIGTERM)
        #expect(master.waitForExit() == 0)
    }

    @Test func theSecondariesTransferTheZoneSignedWithTheSecretsKeyAndOnlySigned() throws {
        let key = "hmac-sha256:xfr.service.example.net.:\(try MasterPodFiles.tsigSecret("xfr.service.example.net."))"
        let signed = try Dig.query("service.example.net", "AXFR", port: 53, server: "127.0.15.2", options: ["-b", "127.0.15.31", "-y", key])
        let lines = signed.raw.split(separator: "\n").filter { !$0.hasPrefix(";") && !$0.isEmpty }
        // dig prints each message's TSIG record among the records: the answers were signed.
        #expect(lines.contains { $0.contains("\tTSIG\thmac-sha256.") }, "\(signed.raw)")
        let records = lines.filter { !$0.contains("\tTSIG\t") }
        #expect(records.first?.contains("\tSOA\tzoneregistry-0.service.example.net.") == true, "\(signed.raw)")
        #expect(records.last?.contains("\tSOA\t") == true, "\(signed.raw)")
        #expect(records.filter { $0.contains("\tSOA\t") }.count == 2, "RFC 5936 §2.2: SOA first and last\n\(signed.raw)")
        #expect(records.contains { $0.hasPrefix("app.service.example.net.") && $0.hasSuffix("NS\tprod1.service.example.net.") }, "\(signed.raw)")
        #expect(records.contains { $0.hasPrefix("www.service.example.net.") && $0.hasSuffix("NS\tprod2.service.example.net.") }, "\(signed.raw)")
        let unsigned = try Dig.query("service.example.net", "AXFR", port: 53, server: "127.0.15.2", options: ["-b", "127.0.15.31"])
        #expect(unsigned.raw.contains("Transfer failed."), "\(unsigned.raw)")
    }

    @Test func aDrainWithTheSecretsTokenTakesAPeerOutAndIsKeptOnTheStateVolume() throws {
        let url = "http://127.0.15.1:8053/overrides/prod1"
        let body = #"{"state":"drain","for":"30s","reason":"kubernetes e2e"}"#
        let refused = try Curl.run(url, options: ["-X", "PUT", "-H", "Authorization: Bearer wrong-token-wrong-token", "-d", body])
        #expect(refused.status == 401)
        let drained = try Curl.run(url, options: ["-X", "PUT", "-H", "Authorization: Bearer \(try MasterPodFiles.controlToken())", "-d", body])
        #expect(drained.status == 200, "\(drained.body)")
        #expect(try referral(from: "127.0.15.1") == ["prod2.service.example.net."])
        let state = try String(contentsOf: podFiles[0].state.appendingPathComponent("overrides.json"), encoding: .utf8)
        #expect(state.contains("\"prod1.service.example.net.\"") && state.contains("\"drain\""), "\(state)")
    }
}
