import Foundation
import Testing
@testable import ZoneRegistry

/// `/explain`: the answer now, and each left-out peer's reason in words.
@Suite struct ExplanationTests {
    static func registry(mode: AnswerMode = .address) -> Registry {
        Registry(config: registryConfig(zones: ["a.test"], mode: mode, peers: [
            peer("prod1.a.test", labels: ["cluster-env": "prod"], v4: "192.0.2.1"),
            peer("prod2.a.test", labels: ["cluster-env": "prod"], v4: "192.0.2.2"),
            peer("dev1.a.test", .secondary, labels: ["cluster-env": "prod"], v4: "192.0.2.3"),
            peer("qa1.a.test", labels: ["cluster-env": "qa"], v4: "192.0.2.4"),
        ], select: ["cluster-env": "prod"], ttl: 30), serial: 1, previous: nil)
    }

    @Test func namesEachLeftOutPeersReason() throws {
        let registry = Self.registry()
        registry.setHealth(.down, ofPeerAt: 1)
        registry.setOverride(.drain, ofPeerAt: 0)
        var overrides = OverrideSet()
        overrides.set(Override(state: .drain, reason: "kernel", setAt: Date(), expiresAt: nil, setBy: "127.0.0.1:9"), for: "prod1.a.test.")
        let explanation = Explanation(name: try DomainName(parsing: "app.a.test"), type: "A", registries: [registry],
                                      monitors: [], overrides: overrides)
        #expect(explanation.answer == ["app.a.test. 30 IN A 192.0.2.3"])
        #expect(explanation.answering.map(\.peer) == ["dev1.a.test."])
        let reasons = Dictionary(uniqueKeysWithValues: explanation.leftOut.map { ($0.peer, $0.reason) })
        #expect(reasons == ["prod1.a.test.": "drained", "prod2.a.test.": "down", "qa1.a.test.": "not selected"])
        #expect(explanation.leftOut.first { $0.peer == "prod1.a.test." }?.detail.hasPrefix("kernel (by 127.0.0.1:9") == true)
    }

    @Test func aSecondaryIsLeftOutWhileAPrimaryIsUp() throws {
        let explanation = Explanation(name: try DomainName(parsing: "app.a.test"), type: "A", registries: [Self.registry()],
                                      monitors: [], overrides: OverrideSet())
        #expect(explanation.leftOut.first { $0.peer == "dev1.a.test." }?.reason == "secondary")
    }

    @Test func delegateModeShowsTheReferral() throws {
        let explanation = Explanation(name: try DomainName(parsing: "www.app.a.test"), type: "A",
                                      registries: [Self.registry(mode: .delegate)], monitors: [], overrides: OverrideSet())
        #expect(explanation.authority == ["app.a.test. 30 IN NS prod1.a.test.", "app.a.test. 30 IN NS prod2.a.test."])
    }

    @Test func namesOutsideEveryZoneAreRefused() throws {
        let explanation = Explanation(name: try DomainName(parsing: "example.com"), type: "A", registries: [Self.registry()],
                                      monitors: [], overrides: OverrideSet())
        #expect(explanation.kind == "outside" && explanation.rcode == "REFUSED")
    }
}
