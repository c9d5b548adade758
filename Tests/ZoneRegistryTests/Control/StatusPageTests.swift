import Foundation
import Testing
@testable import ZoneRegistry

@Suite struct StatusPageTests {
    static func report(reason: String) -> StatusReport {
        let registry = Registry(config: registryConfig(zones: ["a.test"], peers: [
            peer("prod1.a.test", labels: ["team": "<b>ops</b>"], v4: "192.0.2.1"),
            peer("dev1.a.test", .secondary, v4: "192.0.2.2"),
        ]), serial: 7, previous: nil)
        registry.setOverride(.drain, ofPeerAt: 0)
        var overrides = OverrideSet()
        overrides.set(Override(state: .drain, reason: reason, setAt: Date(), expiresAt: nil, setBy: "127.0.0.1:1"), for: "prod1.a.test.")
        return StatusReport(registries: [registry], monitors: [], overrides: overrides)
    }

    @Test func everyPeerHasARowWithItsState() {
        let html = String(decoding: StatusPage.render(Self.report(reason: "maintenance")), as: UTF8.self)
        #expect(html.contains(#"<tr class="peer" data-peer="prod1.a.test." data-state="drained">"#))
        #expect(html.contains(#"<tr class="peer" data-peer="dev1.a.test." data-state="unknown">"#))
        #expect(html.contains(#"<meta http-equiv="refresh" content="3">"#))
        #expect(!html.contains("<script"))
    }

    @Test func textFromConfigurationAndRequestsIsEscaped() {
        let html = String(decoding: StatusPage.render(Self.report(reason: #"<script>alert("x")</script> & 'y'"#)), as: UTF8.self)
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"))
        #expect(html.contains("team=&lt;b&gt;ops&lt;/b&gt;"))
    }
}
