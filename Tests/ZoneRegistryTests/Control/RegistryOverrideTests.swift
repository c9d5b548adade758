import Testing
@testable import ZoneRegistry

/// Overrides in the registry: one place combines them with health, answers change at once and
/// the SOA serial moves with them (SPEC §11).
@Suite struct RegistryOverrideTests {
    static func registry(failOpen: Bool = true) -> Registry {
        Registry(config: registryConfig(mode: .address, peers: [
            peer("prod1.service.example.net", v4: "192.0.2.1"),
            peer("prod2.service.example.net", v4: "192.0.2.2"),
            peer("dev1.service.example.net", .secondary, v4: "192.0.2.3"),
        ], failOpen: failOpen), serial: 100, previous: nil)
    }

    @Test func aDrainedPeerLeavesTheAnswersAndBumpsTheSerial() {
        let registry = Self.registry()
        #expect(registry.selectedPeers == [0, 1])
        #expect(registry.setOverride(.drain, ofPeerAt: 0))
        #expect(registry.selectedPeers == [1])
        #expect(registry.serial == 101)
        #expect(registry.effectiveHealth(ofPeerAt: 0) == .down)
        #expect(registry.health(ofPeerAt: 0) == .unknown, "the probes' verdict is kept underneath")
    }

    @Test func drainingEveryPrimaryFallsBackToTheSecondary() {
        let registry = Self.registry()
        registry.setOverride(.drain, ofPeerAt: 0)
        registry.setOverride(.drain, ofPeerAt: 1)
        #expect(registry.selectedPeers == [2])
    }

    @Test func aForcedUpPeerIsAnsweredWhileItsProbesFail() {
        let registry = Self.registry()
        registry.setHealth(.down, ofPeerAt: 0)
        #expect(registry.selectedPeers == [1])
        #expect(registry.setOverride(.up, ofPeerAt: 0))
        #expect(registry.selectedPeers == [0, 1])
        #expect(!registry.setHealth(.up, ofPeerAt: 0), "health under an override changes no answer")
        #expect(!registry.setHealth(.down, ofPeerAt: 0))
        #expect(registry.selectedPeers == [0, 1])
    }

    @Test func backToAutoFollowsHealthAgain() {
        let registry = Self.registry()
        registry.setOverride(.drain, ofPeerAt: 0)
        let serial = registry.serial
        #expect(registry.setOverride(nil, ofPeerAt: 0))
        #expect(registry.selectedPeers == [0, 1])
        #expect(registry.serial == serial + 1)
        #expect(!registry.setOverride(nil, ofPeerAt: 0), "no change, no new serial")
        #expect(registry.serial == serial + 1)
    }

    @Test func drainingEveryPeerWithFailOpenOffIsServfail() {
        let registry = Self.registry(failOpen: false)
        for index in 0..<3 { registry.setOverride(.drain, ofPeerAt: index) }
        #expect(registry.selectedPeers.isEmpty)
        #expect(registry.nextRound(inZone: 0) == nil)
    }
}
