import Foundation
import Testing
@testable import ZoneRegistry

/// `control [ADDRESS] { token_file F; state_file F }` as a table of Corefile → value or the
/// exact error, as CoreDNS's setup tests do.
@Suite struct ControlDirectiveTests {
    static let directory: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("zr-control-config-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try? "0123456789abcdef0123\n".write(to: url.appendingPathComponent("token"), atomically: true, encoding: .utf8)
        try? "\n\n".write(to: url.appendingPathComponent("empty"), atomically: true, encoding: .utf8)
        try? "short\n".write(to: url.appendingPathComponent("short"), atomically: true, encoding: .utf8)
        return url
    }()
    static var token: String { directory.appendingPathComponent("token").path }

    @Test func defaultsToLoopbackPort8053() throws {
        let control = try #require(try parsed(serverCorefile("control {\ntoken_file \(Self.token)\n}")).servers[0].control)
        #expect(control.address == HTTPListenAddress(host: .v4(IPv4Address(value: 0x7f00_0001)), port: 8053))
        #expect(control.stateFile == nil)
        #expect(control.token.matches(Array("0123456789abcdef0123".utf8)))
        #expect("\(control.token)" == "<token>", "the secret never prints")
    }

    @Test func takesAnAddressAndAStateFile() throws {
        let text = "control 127.0.14.1:9053 {\ntoken_file \(Self.token)\nstate_file /var/lib/zr/overrides.json\n}"
        let control = try #require(try parsed(serverCorefile(text)).servers[0].control)
        #expect(control.address == HTTPListenAddress(host: .v4(IPv4Address("127.0.14.1")!), port: 9053))
        #expect(control.stateFile == "/var/lib/zr/overrides.json")
    }

    @Test(arguments: [
        ("control", #"Corefile:2:1: control: expected "{" after "control""#),
        ("control {\n}", #"Corefile:2:1: control: missing token_file; changing requests need a bearer token"#),
        ("control 8053 {\n}", #"Corefile:2:9: invalid listen address "8053"; expected :PORT, IPv4:PORT, [IPv6]:PORT or localhost:PORT"#),
        ("control :1 :2 {\n}", #"Corefile:2:12: unexpected argument ":2" to "control"; expected "control [ADDRESS] { token_file FILE }""#),
        ("control {\ntoken_file /nonexistent/token\n}", #"Corefile:3:12: control: cannot read token file "/nonexistent/token": no such file"#),
        ("control {\ntoken_file\n}", #"Corefile:3:1: control: missing argument to "token_file"; expected "token_file FILE""#),
        ("control {\ntoken_fil x\n}", #"Corefile:3:1: control: unknown option "token_fil"; did you mean "token_file"?"#),
        ("control {\nToken_File EMPTY\n}", #"Corefile:3:12: control: token file "EMPTY" is empty"#),
        ("control {\ntoken_file SHORT\n}", #"Corefile:3:12: control: token in "SHORT" is shorter than 16 bytes; use e.g. `openssl rand -hex 32`"#),
        ("control {\ntoken_file TOKEN\nstate_file a b\n}", #"Corefile:4:14: control: unexpected argument "b" to "state_file"; expected "state_file FILE""#),
        ("control {\ntoken_file TOKEN\n}\ncontrol {\ntoken_file TOKEN\n}", #"Corefile:5:1: "control" given twice; first at Corefile:2:1"#),
    ])
    func reportsErrorsAtTheirPosition(input: String, expected: String) {
        let text = input.replacingOccurrences(of: "EMPTY", with: Self.directory.appendingPathComponent("empty").path)
            .replacingOccurrences(of: "SHORT", with: Self.directory.appendingPathComponent("short").path)
            .replacingOccurrences(of: "TOKEN", with: Self.token)
        let shown = expected.replacingOccurrences(of: "EMPTY", with: Self.directory.appendingPathComponent("empty").path)
            .replacingOccurrences(of: "SHORT", with: Self.directory.appendingPathComponent("short").path)
        #expect(configErrors(serverCorefile(text)) == [shown])
    }

    @Test func oneControlServesTheWholeDaemon() {
        let text = "a.test {\ncontrol {\ntoken_file \(Self.token)\n}\n}\nb.test {\ncontrol :9 {\ntoken_file \(Self.token)\n}\n}\n"
        #expect(configErrors(text) == ["Corefile:7:1: control: given in a second server block; first at Corefile:2:1, one control API serves every zone"])
    }

    @Test func tokenComparisonNeedsTheWholeToken() {
        let token = ControlToken(Array("0123456789abcdef".utf8))
        #expect(token.matches(Array("0123456789abcdef".utf8)))
        #expect(!token.matches(Array("0123456789abcdeF".utf8)))
        #expect(!token.matches(Array("0123456789abcde".utf8)))
        #expect(!token.matches(Array("0123456789abcdef0".utf8)))
        #expect(!token.matches([UInt8]()))
    }
}
