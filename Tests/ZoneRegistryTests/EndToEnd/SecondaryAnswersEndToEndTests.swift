import Foundation
import Testing

/// What a resolver gets from a secondary carrying the transferred zone is what the registry
/// answers (SPEC §10), in every mode, checked by dnspython question by question: NSD on
/// 127.0.0.92, unbound on 127.0.0.97 in front of it, the registry on 127.0.0.91.
@Suite(.serialized) struct SecondaryAnswersEndToEndTests {
    typealias T = ZoneTransferEndToEndTests

    /// The registry with p11 up and p12 down (no health endpoint), NSD holding its current zone.
    private static func servers(mode: String) throws -> (PeerProcess, DaemonProcess, SecondaryProcess) {
        let peer = try PeerProcess(address: "127.0.13.11")
        let nsdPort = UInt16.random(in: 20_000...59_999)
        let daemon = try DaemonProcess(corefile: T.corefile(mode: mode, peers: [11, 12], to: "127.0.0.92:\(nsdPort) 127.0.0.98"))
        #expect(daemon.waitForLog("peer p12.\(T.zone). down"))
        let nsd = try SecondaryProcess(.nsd, address: "127.0.0.92", port: nsdPort, zone: T.zone, primary: T.registry,
                                       primaryPort: daemon.port, key: T.key)
        let serial = try Dig.query(T.zone, "SOA", port: daemon.port, server: T.registry).answer.first?.data
        let current = eventually(timeout: 10) { (try? nsd.query(T.zone, "SOA"))?.answer.first?.data == serial }
        #expect(current, "NSD did not get serial \(serial ?? "?"): \(nsd.logText.suffix(800))")
        return (peer, daemon, nsd)
    }

    @Test(arguments: [("address", ["other", "deep.other", "x.p11"]), ("delegate", ["deep.app", "x.p11"]), ("cname", ["x.p11"])])
    func everyQuestionAboutTheZoneGetsTheRegistrysAnswerFromNSD(mode: String, extraNames: [String]) throws {
        let (peer, daemon, nsd) = try Self.servers(mode: mode)
        let output = try Dig.output(of: "/usr/bin/python3", [
            DaemonProcess.packageRoot.appendingPathComponent("Tests/Fixtures/compare_secondary.py").path,
            T.registry, String(daemon.port), nsd.address, String(nsd.port), T.zone, T.key.name, T.key.secret, "127.0.0.98",
        ] + extraNames)
        #expect(output.contains(", 0 differ"), "\(output)")
        withExtendedLifetime(peer) {}
    }

    @Test func addressModeThroughNSDAndUnboundAnswersAsTheRegistry() throws {
        let (peer, daemon, nsd) = try Self.servers(mode: "address")
        let unbound = try UnboundProcess(address: "127.0.0.97", stubZone: T.zone, stubAddress: nsd.address, stubPort: nsd.port)
        for name in ["app.\(T.zone)", "www.\(T.zone)", "other.\(T.zone)", T.zone, "ns1.\(T.zone)"] {
            for type in ["A", "AAAA"] {
                let direct = try Dig.query(name, type, port: daemon.port, server: T.registry)
                let resolved = try unbound.resolve(name, type)
                #expect(resolved.status == direct.status, "\(name) \(type)")
                #expect(Set(resolved.answer.map(\.data)) == Set(direct.answer.map(\.data)), "\(name) \(type)")
            }
        }
        let app = try unbound.resolve("app.\(T.zone)")
        #expect(Set(app.answer.map(\.data)) == ["127.0.13.11"], "\(app.raw)")
        withExtendedLifetime(peer) {}
    }

    /// SPEC §10: a secondary holds only the names listed; the registry answers every name.
    @Test func aNameNotListedIsNXDOMAINAtTheSecondaryOnly() throws {
        let (peer, daemon, nsd) = try Self.servers(mode: "delegate")
        #expect(try nsd.query("api.\(T.zone)").status == "NXDOMAIN")
        #expect(try Dig.query("api.\(T.zone)", port: daemon.port, server: T.registry).status == "NOERROR")
        withExtendedLifetime(peer) {}
    }
}
