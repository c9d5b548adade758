import Foundation
import Logging
import Testing
@testable import ZoneRegistry

/// A real `OperatorControl` without a control API (a master with `quorum` only) taking a
/// fellow's view and publishing its own, without sockets.
@Suite struct OverrideExchangeTests {
    final class Fixture {
        let loop: EventLoop
        let registry: Registry
        let control: OperatorControl

        init(peers count: Int) throws {
            loop = try EventLoop()
            let registry = Registry(config: registryConfig(zones: ["a.test"], mode: .address, peers: (0..<count).map {
                peer("p\($0).a.test", v4: "192.0.2.\($0 % 250 + 1)")
            }), serial: 1, previous: nil)
            self.registry = registry
            control = OperatorControl(loop: loop, directive: nil, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() },
                                      registries: { [registry] }, monitors: { [] })
        }

        deinit {
            control.stop()
            HealthMonitorStopTests.drain(loop)
        }

        var hosts: Set<String> { Set(registry.config.peers.map(\.host.description)) }
    }

    /// A fellow's view draining every `p0`...`pN-1`, each set a millisecond after the last.
    static func fellowView(drains count: Int, reason: String) -> MasterView {
        let now = Date().milliseconds
        return MasterView(entries: [.serial(1)] + (0..<count).map { index in
            .override(OverrideEntry(host: name("p\(index).a.test"), record: .set(Override(
                state: .drain, reason: reason, setAt: Date(milliseconds: now - 10_000 + Int64(index)), expiresAt: nil, setBy: "192.0.2.9:1"))))
        })
    }

    @Test func aFellowsDrainIsAppliedAndOnlyForThisRegistrysPeers() throws {
        let fixture = try Fixture(peers: 2)
        var view = Self.fellowView(drains: 1, reason: "maint")
        view.entries.append(.override(OverrideEntry(host: name("elsewhere.b.test"), record: .set(Override(
            state: .drain, reason: "", setAt: Date(), expiresAt: nil, setBy: "x")))))
        let serial = fixture.registry.serial
        fixture.control.adopt(view, from: name("ns2.a.test"), hosts: fixture.hosts)
        #expect(fixture.registry.override(ofPeerAt: 0) == .drain && fixture.registry.override(ofPeerAt: 1) == nil)
        #expect(fixture.registry.serial != serial, "a drain that changes answers bumps the serial")
        #expect(fixture.control.overrides["elsewhere.b.test."] == nil)
        #expect(fixture.control.published(for: fixture.registry, room: 63_000).entries.map(\.host) == [name("p0.a.test")])
    }

    @Test func aLargeDrainStaysWithinTheViewNewestFirstReasonsDroppedBeforeEntries() throws {
        let fixture = try Fixture(peers: 400)
        fixture.control.adopt(Self.fellowView(drains: 400, reason: String(repeating: "r", count: 200)),
                              from: name("ns2.a.test"), hosts: fixture.hosts)
        #expect(fixture.control.overrides.peers.count == 400)
        func published(_ room: Int) -> (entries: [OverrideEntry], leftOut: Int, reasons: [Bool]) {
            let (entries, leftOut) = fixture.control.published(for: fixture.registry, room: room)
            let sizes = entries.compactMap { $0.render()?.count }
            #expect(sizes.count == entries.count && sizes.reduce(0) { $0 + $1 + 1 } <= room)
            #expect(entries.count + leftOut == 400)
            return (entries, leftOut, entries.map { if case .set(let override) = $0.record { !override.reason.isEmpty } else { false } })
        }
        // Room for every record only without reasons: all go, the latest set keep theirs.
        let roomy = published(40_000)
        #expect(roomy.leftOut == 0 && roomy.entries.first?.host == name("p399.a.test"))
        #expect(roomy.reasons.first == true && roomy.reasons.last == false)
        // Not even that: the latest set go, none with a reason.
        let tight = published(10_000)
        #expect(tight.leftOut > 0 && !tight.reasons.contains(true))
        #expect(tight.entries.first?.host == name("p399.a.test") && tight.entries.last?.host == name("p\(400 - tight.entries.count).a.test"))
    }
}
