import Testing
@testable import ZoneRegistry

@Suite struct RegistryStateTests {
    private let peers = [
        peer("p1.service.example.net", v4: "192.0.2.1"),
        peer("p2.service.example.net", v4: "192.0.2.2"),
    ]

    @Test func serialBumpsOnlyWhenTheHealthySetChanges() {
        let registry = Registry(config: registryConfig(peers: peers), serial: 100, previous: nil)
        #expect(registry.setHealth(.up, ofPeerAt: 0) == false)       // unknown → up: still healthy
        #expect(registry.serial == 100)
        #expect(registry.setHealth(.down, ofPeerAt: 0) == true)
        #expect(registry.serial == 101)
        #expect(registry.setHealth(.down, ofPeerAt: 0) == false)
        #expect(registry.serial == 101)
        #expect(registry.setHealth(.up, ofPeerAt: 0) == true)
        #expect(registry.serial == 102)
        #expect(registry.setHealth(.down, ofPeerAt: 7) == false)     // no such peer
    }

    @Test func reloadKeepsHealthOfUnchangedHostsAndRaisesTheSerial() {
        let old = Registry(config: registryConfig(peers: peers), serial: 500, previous: nil)
        old.setHealth(.down, ofPeerAt: 1)
        old.setHealth(.up, ofPeerAt: 0)
        let newPeers = [peer("p2.service.example.net", v4: "192.0.2.22"), peer("p3.service.example.net", v4: "192.0.2.3")]
        let new = Registry(config: registryConfig(peers: newPeers), serial: 10, previous: old)
        #expect(new.health(ofPeerAt: 0) == .down)
        #expect(new.health(ofPeerAt: 1) == .unknown)
        #expect(new.serial == 502)
        #expect(new.selectedPeers == [1])
        let later = Registry(config: registryConfig(peers: newPeers), serial: 9_000, previous: new)
        #expect(later.serial == 9_000)
    }

    @Test func peerLookupFindsTheMostSpecificHostByHash() {
        let config = registryConfig(peers: [peer("a.service.example.net", v4: "192.0.2.1"),
                                            peer("b.a.service.example.net", v4: "192.0.2.2")])
        let registry = Registry(config: config, serial: 1, previous: nil)
        var buffer = NameBuffer()
        wire("X.B.A.Service.Example.Net").withUnsafeBytes { raw in
            var reader = WireReader(raw)
            reader.readName(into: &buffer)
        }
        #expect(registry.peerIndex.lookup(buffer, fromLabel: 0) == nil)
        #expect(registry.peerIndex.lookup(buffer, fromLabel: 1) == 1)
        #expect(registry.peerIndex.lookup(buffer, fromLabel: 2) == 0)
    }
}
