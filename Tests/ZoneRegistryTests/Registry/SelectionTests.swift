import Testing
@testable import ZoneRegistry

@Suite struct SelectionTests {
    private let peers = [
        peer("p1.service.example.net", .primary, labels: ["env": "prod"], v4: "192.0.2.1"),
        peer("p2.service.example.net", .primary, labels: ["env": "prod"], v4: "192.0.2.2"),
        peer("s1.service.example.net", .secondary, labels: ["env": "prod"], v4: "192.0.2.3"),
        peer("d1.service.example.net", .primary, labels: ["env": "dev"], v4: "192.0.2.4"),
    ]

    @Test func unknownHealthCountsAsHealthy() {
        let registry = Registry(config: registryConfig(peers: peers), serial: 1, previous: nil)
        #expect(registry.selectedPeers == [0, 1, 3])
    }

    @Test func healthyPrimariesOnlyWhileAnyIsUp() {
        let registry = Registry(config: registryConfig(peers: peers), serial: 1, previous: nil)
        registry.setHealth(.down, ofPeerAt: 0)
        #expect(registry.selectedPeers == [1, 3])
    }

    @Test func secondariesWhenNoPrimaryIsHealthy() {
        let registry = Registry(config: registryConfig(peers: peers), serial: 1, previous: nil)
        for index in [0, 1, 3] { registry.setHealth(.down, ofPeerAt: index) }
        #expect(registry.selectedPeers == [2])
    }

    @Test func failOpenAnswersEveryMatchingPeerWhenNoneIsHealthy() {
        let registry = Registry(config: registryConfig(peers: peers, select: ["env": "prod"]), serial: 1, previous: nil)
        for index in 0..<4 { registry.setHealth(.down, ofPeerAt: index) }
        #expect(registry.selectedPeers == [0, 1, 2])
    }

    @Test func failClosedSelectsNobodyWhenNoneIsHealthy() {
        let registry = Registry(config: registryConfig(peers: peers, failOpen: false), serial: 1, previous: nil)
        for index in 0..<4 { registry.setHealth(.down, ofPeerAt: index) }
        #expect(registry.selectedPeers.isEmpty)
        #expect(round(registry) == nil)
    }

    @Test func selectLabelsFilterEveryTier() {
        let registry = Registry(config: registryConfig(peers: peers, select: ["env": "dev"]), serial: 1, previous: nil)
        #expect(registry.selectedPeers == [3])
        let none = Registry(config: registryConfig(peers: peers, select: ["env": "qa"]), serial: 1, previous: nil)
        #expect(none.selectedPeers.isEmpty)
        #expect(round(none) == nil)
    }

    @Test func rotationTurnsByOnePerQueryPerZone() {
        let config = registryConfig(zones: ["service.example.net", "svc.example.org"], peers: Array(peers.prefix(2))
            + [peer("p3.service.example.net", v4: "192.0.2.9")])
        let registry = Registry(config: config, serial: 1, previous: nil)
        #expect(round(registry, zone: 0) == [0, 1, 2])
        #expect(round(registry, zone: 0) == [1, 2, 0])
        #expect(round(registry, zone: 1) == [0, 1, 2])    // the other zone has its own counter
        #expect(round(registry, zone: 0) == [2, 0, 1])
        #expect(round(registry, zone: 0) == [0, 1, 2])
    }
}
