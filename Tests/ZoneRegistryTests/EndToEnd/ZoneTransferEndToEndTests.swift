import Foundation
import Testing

/// Issue 13 as an operator sees it: NSD, Knot and BIND carry the registry's health-evaluated
/// zone (SPEC §10), follow a failover and a reload by NOTIFY then IXFR, and a transfer from
/// anyone else, or signed with a wrong secret, is turned away. Addresses: the registry on
/// 127.0.0.91, NSD 127.0.0.92, Knot 127.0.0.93, BIND 127.0.0.1 port 5313, peers 127.0.13.x.
@Suite(.serialized) struct ZoneTransferEndToEndTests {
    static let zone = "service.example.net"
    static let registry = "127.0.0.91"
    static let metricsAddress = "127.0.0.94"
    static let key = SecondaryProcess.Key(name: "xfr.service.example.net.", secret: "c2VjcmV0LWZvci16b25lLXRyYW5zZmVycw==")
    /// A change shows within a probe interval (1 s) and timeout (0.5 s), plus 2 s (SPEC §10 asks
    /// the secondaries to follow within interval + timeout + 2 s).
    static let detection = 1.0 + 0.5 + 2.0

    static func peerBlock(_ index: Int) -> String {
        "        peer p\(index).\(zone) {\n            ipv4 127.0.13.\(index)\n        }\n"
    }

    static func corefile(mode: String, peers: [Int], to targets: String, names: String = "app www",
                         tsig: Bool = true) -> String {
        """
        \(zone):PORT {
            bind \(registry)
            prometheus \(metricsAddress):PORT
        \(tsig ? "    tsig {\n        secret \(key.name) \(key.secret)\n        require AXFR IXFR\n    }" : "")
            transfer {
                to \(targets)
            }
            zoneregistry {
                interval 1
                timeout 500ms
                ttl 1
                mode \(mode)
                names \(names)
                ns ns1.\(zone) \(registry)
        \(peers.map(peerBlock).joined())
            }
        }
        """
    }

    static func metrics(_ daemon: DaemonProcess) throws -> MetricsScrape {
        try MetricsScrape.scrape("\(metricsAddress):\(daemon.port)")
    }

    static func transfers(_ scrape: MetricsScrape, _ type: String, _ result: String) -> Double {
        scrape.sum("coredns_zoneregistry_transfers_total", ["type": type, "result": result])
    }

    @Test func nsdKnotAndBindFollowAFailoverAndAReloadByNotifyThenIXFR() throws {
        let peers = try (1...3).map { try PeerProcess(address: "127.0.13.\($0)") }
        let nsdPort = UInt16.random(in: 20_000...39_999), knotPort = UInt16.random(in: 40_000...59_999)
        let targets = "127.0.0.92:\(nsdPort) 127.0.0.93:\(knotPort) 127.0.0.1:5313"
        let daemon = try DaemonProcess(corefile: Self.corefile(mode: "address", peers: [1, 2], to: targets))
        let secondaries = try [
            SecondaryProcess(.nsd, address: "127.0.0.92", port: nsdPort, zone: Self.zone, primary: Self.registry,
                             primaryPort: daemon.port, key: Self.key),
            SecondaryProcess(.knot, address: "127.0.0.93", port: knotPort, zone: Self.zone, primary: Self.registry,
                             primaryPort: daemon.port, key: Self.key),
            SecondaryProcess(.bind, address: "127.0.0.1", zone: Self.zone, primary: Self.registry,
                             primaryPort: daemon.port, key: Self.key),
        ]
        let app = "app.\(Self.zone)"
        for secondary in secondaries {
            let transferred = eventually(timeout: 10) { secondary.addresses(app) == ["127.0.13.1", "127.0.13.2"] }
            #expect(transferred, "\(secondary.kind) after its first transfer: \((try? secondary.query(app))?.raw ?? "") \(secondary.logText.suffix(3000))")
        }
        let before = try Self.metrics(daemon)
        let fullBefore = Self.transfers(before, "axfr", "full") + Self.transfers(before, "ixfr", "full")

        peers[0].stop()
        for secondary in secondaries {
            let followed = eventually(timeout: Self.detection) { secondary.addresses(app) == ["127.0.13.2"] }
            #expect(followed, "\(secondary.kind) after p1 died")
        }
        let afterFailover = try Self.metrics(daemon)
        #expect(Self.transfers(afterFailover, "ixfr", "incremental") >= 3)
        #expect(Self.transfers(afterFailover, "axfr", "full") + Self.transfers(afterFailover, "ixfr", "full") == fullBefore)
        let acknowledged = { try Self.metrics(daemon).sum("coredns_zoneregistry_notifies_total", ["result": "acknowledged"]) }
        let acknowledgedBefore = before.sum("coredns_zoneregistry_notifies_total", ["result": "acknowledged"])
        #expect(try eventually(timeout: 2) { try acknowledged() >= acknowledgedBefore + 3 })

        // SIGHUP with p3 added: the new zone reaches them the same way.
        try Self.corefile(mode: "address", peers: [1, 2, 3], to: targets)
            .replacingOccurrences(of: "PORT", with: String(daemon.port))
            .write(to: daemon.corefile, atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        for secondary in secondaries {
            let reloaded = eventually(timeout: Self.detection) { secondary.addresses(app) == ["127.0.13.2", "127.0.13.3"] }
            #expect(reloaded, "\(secondary.kind) after the reload: \(secondary.addresses(app)) \(secondary.logText.suffix(1500)) REGISTRY \(daemon.logText.suffix(2500))")
        }
        let afterReload = try Self.metrics(daemon)
        #expect(Self.transfers(afterReload, "ixfr", "incremental") >= 6)
        #expect(Self.transfers(afterReload, "axfr", "full") + Self.transfers(afterReload, "ixfr", "full") == fullBefore)
        withExtendedLifetime(peers) {}
    }

    @Test func transfersFromOutsideToAreRefusedAndAWrongSecretIsNotAuth() throws {
        let peer = try PeerProcess(address: "127.0.13.21")
        defer { withExtendedLifetime(peer) {} }
        let daemon = try DaemonProcess(corefile: Self.corefile(mode: "delegate", peers: [21], to: "127.0.0.95"))
        let stranger = try Dig.output(of: "/usr/bin/dig", ["@\(Self.registry)", "-p", String(daemon.port), "-b", "127.0.0.96",
                                                            Self.zone, "AXFR", "-y", "hmac-sha256:\(Self.key.name):\(Self.key.secret)"])
        #expect(stranger.contains("; Transfer failed."))
        let unsigned = try Dig.output(of: "/usr/bin/dig", ["@\(Self.registry)", "-p", String(daemon.port), "-b", "127.0.0.95",
                                                            Self.zone, "AXFR"])
        #expect(unsigned.contains("; Transfer failed."))
        let wrong = try Dig.output(of: "/usr/bin/dig", ["@\(Self.registry)", "-p", String(daemon.port), "-b", "127.0.0.95",
                                                         Self.zone, "AXFR", "-y", "hmac-sha256:\(Self.key.name):d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldA=="])
        #expect(wrong.contains("BADSIG") && wrong.contains("; Transfer failed."))
        let signed = try Dig.output(of: "/usr/bin/dig", ["@\(Self.registry)", "-p", String(daemon.port), "-b", "127.0.0.95",
                                                          Self.zone, "AXFR", "-y", "hmac-sha256:\(Self.key.name):\(Self.key.secret)"])
        #expect(signed.contains("XFR size: 8 records"), "\(signed)")
        let scrape = try Self.metrics(daemon)
        #expect(Self.transfers(scrape, "axfr", "refused") == 2)
        #expect(Self.transfers(scrape, "axfr", "notauth") == 1)
        #expect(Self.transfers(scrape, "axfr", "full") == 1)
        #expect(daemon.logText.contains("AXFR of \(Self.zone). from 127.0.0.96 refused: not in transfer to"))
    }
}
