import Foundation
import Testing
@testable import ZoneRegistry

private let secret = "c2VjcmV0LXNoYXJlZC1ieS10aGUtbWFzdGVycw=="

/// `tsig` as CoreDNS's setup_test.go tables it: input → parsed value or the exact error.
@Suite struct TSIGDirectiveTests {
    private func tsig(_ text: String) throws -> TSIGDirective? {
        try parsed("example.org {\n\(text)\n}\n").servers[0].tsig
    }

    @Test func secretsAreKeptByNameWithTheBlockZonesAndNoRequirement() throws {
        let directive = try #require(try tsig("tsig {\nsecret Masters.Example.Org. \(secret)\n}"))
        #expect(directive.zones == [name("example.org")])
        #expect(directive.require == .none)
        let key = try #require(directive.keyring[name("masters.example.org")])
        #expect(key.secret == Array("secret-shared-by-the-masters".utf8) && key.algorithm == nil)
    }

    @Test(arguments: [
        ("require AXFR IXFR", TSIGRequirement.types([252, 251])),
        ("require all", .all),
        ("require none", .none),
        ("require txt TYPE65", .types([16, 65])),
    ])
    func requirements(line: String, expected: TSIGRequirement) throws {
        #expect(try tsig("tsig sub.example.org {\nsecret k. \(secret)\n\(line)\n}")?.require == expected)
        #expect(try tsig("tsig sub.example.org {\nsecret k. \(secret)\n\(line)\n}")?.zones == [name("sub.example.org")])
    }

    @Test func secretsFileInBINDSyntax() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tsig-\(UUID()).key")
        try """
        # two keys
        key "xfr.example.org." {
            algorithm hmac-sha512;   // bound to SHA-512
            secret "\(secret)";
        };
        /* defaults to hmac-sha256 */
        key masters.example.org { secret "\(secret)"; };
        """.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let directive = try #require(try tsig("tsig {\nsecrets \(file.path)\n}"))
        #expect(directive.keyring[name("xfr.example.org")]?.algorithm == .hmacSHA512)
        #expect(directive.keyring[name("masters.example.org")]?.algorithm == .hmacSHA256)
    }

    @Test(arguments: [
        ("tsig", #"Corefile:2:1: tsig: expected "{" after "tsig""#),
        ("tsig {\n}", #"Corefile:2:1: tsig: no keys; expected "secret NAME BASE64" or "secrets FILE""#),
        ("tsig {\nsecret k.\n}", #"Corefile:3:1: tsig: missing argument to "secret"; expected "secret NAME BASE64""#),
        ("tsig {\nsecret k. bm90IGJhc2U2NA=!\n}", #"Corefile:3:11: invalid base64 secret for key "k."; expected e.g. the output of "tsig-keygen""#),
        ("tsig {\nsecret k. \(secret)\nsecret K. \(secret)\n}", #"Corefile:4:1: tsig: key "k." given twice; first at Corefile:3:1"#),
        ("tsig {\nsecret k. \(secret)\nrequire\n}", #"Corefile:4:1: tsig: missing argument to "require"; expected "require QTYPE...|all|none""#),
        ("tsig {\nsecret k. \(secret)\nrequire AXFR BOGUS\n}", #"Corefile:4:14: unknown query type "BOGUS"; expected e.g. AXFR, IXFR, TXT, TYPE65, or all or none alone"#),
        ("tsig {\nsecret k. \(secret)\nrequire all\nrequire none\n}", #"Corefile:5:1: tsig: "require" given twice; first at Corefile:4:1"#),
        ("tsig {\nsecrets /nonexistent/keys.conf\n}", #"Corefile:3:9: tsig: cannot read secrets file "/nonexistent/keys.conf": No such file or directory"#),
        ("tsig {\nsecert k. \(secret)\n}", #"Corefile:3:1: tsig: unknown option "secert"; did you mean "secret"?"#),
    ] as [(String, String)])
    func invalid(input: String, expected: String) {
        let errors = configErrors("example.org {\n\(input)\n}\n")
        #expect(errors == [expected])
        #expect(!errors.joined().contains(secret))
    }

    @Test(arguments: [
        ("key \"k.\" { algorithm hmac-md5; secret \"\(secret)\"; };", #"keys.conf:1:22: unknown TSIG algorithm "hmac-md5"; expected one of hmac-sha1, hmac-sha224, hmac-sha256, hmac-sha384, hmac-sha512"#),
        ("key \"k.\" {\n  secret \"c2VjcmV0!!\";\n};", #"keys.conf:2:10: invalid base64 secret for key "k.""#),
        ("key \"k.\" { algorithm hmac-sha256; };", #"keys.conf:1:1: key "k." has no secret"#),
        ("key \"k.\" { secret \"\(secret)\"; }", #"keys.conf:1:63: expected ";" at end of file"#),
        ("secret \"\(secret)\";", #"keys.conf:1:1: expected "key", found "secret""#),
    ] as [(String, String)])
    func invalidKeyFiles(text: String, expected: String) {
        var diagnostics = Diagnostics()
        _ = TSIGKeyFile.parse(text, file: "keys.conf", &diagnostics)
        #expect(diagnostics.errors.map(\.description) == [expected])
        #expect(!diagnostics.errors.map(\.description).joined().contains(secret))
    }
}
