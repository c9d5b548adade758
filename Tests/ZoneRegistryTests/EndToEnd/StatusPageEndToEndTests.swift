import Foundation
import Testing

/// The status page (`GET /`) in a real browser: Debian's headless Chromium loads it, the test
/// reads the DOM it built, and a screenshot is left in `.build/status-page.png` for a person.
@Suite(.serialized) struct StatusPageEndToEndTests {
    static let chromium = "/usr/bin/chromium"

    /// `chromium --headless --dump-dom URL` (`--screenshot` instead when `screenshot` is set).
    static func chromium(_ url: String, screenshot: URL? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("zr-chromium-\(UUID().uuidString)")
        var arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile.path)"]
        if let screenshot {
            arguments += ["--screenshot=\(screenshot.path)", "--window-size=1200,800", "--hide-scrollbars"]
        } else {
            arguments += ["--dump-dom"]
        }
        process.arguments = arguments + [url]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: profile)
        return String(decoding: data, as: UTF8.self)
    }

    /// Each peer row's `data-state`, from the DOM as Chromium parsed it.
    static func states(_ dom: String) -> [String: String] {
        let pattern = try! NSRegularExpression(pattern: #"<tr class="peer" data-peer="([^"]+)" data-state="([^"]+)">"#)
        let range = NSRange(dom.startIndex..., in: dom)
        return Dictionary(pattern.matches(in: dom, range: range).map { match in
            (String(dom[Range(match.range(at: 1), in: dom)!]), String(dom[Range(match.range(at: 2), in: dom)!]))
        }, uniquingKeysWith: { $1 })
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: chromium)))
    func everyPeerHasARowWithItsStateAndADrainShowsOnTheNextLoad() throws {
        // Clusters on 127.0.14.21-23, DNS on 127.0.14.5, the page on 127.0.14.6.
        let session = try ControlSession(base: 20)
        let peers = try session.startPeers()
        peers[1].stop()
        let daemon = try session.startDaemon()
        let url = session.url(daemon, "/")
        #expect(try eventually(timeout: 4) { try session.state(daemon, "prod2.example.test.") == "down" })

        let dom = try Self.chromium(url)
        #expect(Self.states(dom) == ["prod1.example.test.": "up", "prod2.example.test.": "down",
                                     "dev1.example.test.": "up", "qa1.example.test.": "down"])
        #expect(dom.contains(#"<meta http-equiv="refresh" content="3">"#))
        #expect(dom.contains("connect refused") || dom.contains("connection reset"), "the down peer's cause is shown")
        #expect(!dom.contains("<script"))

        let put = try session.request(daemon, "PUT", "/overrides/prod1",
                                             body: #"{"state":"drain","for":"10m","reason":"<b>kernel</b> upgrade"}"#)
        #expect(put.status == 200)
        let after = try Self.chromium(url)
        #expect(Self.states(after)["prod1.example.test."] == "drained")
        #expect(after.contains("&lt;b&gt;kernel&lt;/b&gt; upgrade"), "the reason is text, not markup")

        let screenshot = DaemonProcess.packageRoot.appendingPathComponent(".build/status-page.png")
        try? FileManager.default.removeItem(at: screenshot)
        _ = try Self.chromium(url, screenshot: screenshot)
        let size = (try? FileManager.default.attributesOfItem(atPath: screenshot.path)[.size] as? Int) ?? 0
        #expect(size > 10_000, "a screenshot of the page at \(screenshot.path)")
        _ = peers
    }
}
