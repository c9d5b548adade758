import Testing
@testable import ZoneRegistry

@Suite struct ServerBlockKeyTests {
    @Test(arguments: [
        (". {\n}", [". 53"]),
        (".:1053 {\n}", [". 1053"]),
        ("dns://.:53 {\n}", [". 53"]),
        ("DNS://Example.ORG {\n}", ["example.org. 53"]),
        ("example.org example.net:5353 {\n}", ["example.org. 53", "example.net. 5353"]),
        ("example.org, example.net {\n}", ["example.org. 53", "example.net. 53"]),
        ("example.org,\nexample.net {\n}", ["example.org. 53", "example.net. 53"]),
        ("example.org. {\n}", ["example.org. 53"]),
    ] as [(String, [String])])
    func validKeys(input: String, expected: [String]) throws {
        let keys = try parsed(input).servers.flatMap(\.keys)
        #expect(keys.map { "\($0.zone) \($0.port)" } == expected)
    }

    @Test func sameZoneOnTwoPortsAndTwoZonesOnOnePortAreServed() throws {
        let configuration = try parsed(". {\n}\n.:1053 {\n}\nexample.org {\n}\n")
        #expect(configuration.servers.count == 3)
    }

    @Test(arguments: [
        ("tls://example.org {\n}", #"Corefile:1:1: unsupported scheme "tls://" in server block key "tls://example.org"; only dns:// is served"#),
        ("https://.:443 {\n}", #"Corefile:1:1: unsupported scheme "https://" in server block key "https://.:443"; only dns:// is served"#),
        (". grpc://.:9000 {\n}", #"Corefile:1:3: unsupported scheme "grpc://" in server block key "grpc://.:9000"; only dns:// is served"#),
        (".:0 {\n}", #"Corefile:1:1: invalid port "0" in server block key ".:0"; expected 1 to 65535"#),
        (".:65536 {\n}", #"Corefile:1:1: invalid port "65536" in server block key ".:65536"; expected 1 to 65535"#),
        (".:dns {\n}", #"Corefile:1:1: invalid port "dns" in server block key ".:dns"; expected 1 to 65535"#),
        (":53 {\n}", #"Corefile:1:1: missing zone in server block key ":53"; write ".:53" for the root zone"#),
        ("dns://:53 {\n}", #"Corefile:1:1: missing zone in server block key "dns://:53"; write ".:53" for the root zone"#),
        ("a..b {\n}", #"Corefile:1:1: invalid zone "a..b": empty label"#),
        ("10.0.0.0/8 {\n}", #"Corefile:1:1: invalid zone "10.0.0.0/8": invalid character "/""#),
        (". {\n}\n.:53 {\n}", #"Corefile:3:1: zone "." on port 53 is already served by the block at Corefile:1:1"#),
        ("example.org. Example.org {\n}", #"Corefile:1:14: zone "example.org." on port 53 is already served by the block at Corefile:1:1"#),
        ("\"\" {\n}", #"Corefile:1:1: invalid server block key ""; expected [dns://]ZONE[:PORT]"#),
        (". , {\n}", #"Corefile:1:3: invalid server block key ","; expected [dns://]ZONE[:PORT]"#),
        (".", #"Corefile:1:1: expected "{" after ".""#),
        ("example.org example.net", #"Corefile:1:13: expected "{" after "example.net""#),
        ("", #"Corefile: no server blocks; expected e.g. ". { whoami }""#),
        ("# only a comment\n", #"Corefile: no server blocks; expected e.g. ". { whoami }""#),
    ] as [(String, String)])
    func invalidKeys(input: String, expected: String) {
        #expect(configErrors(input) == [expected])
    }

    @Test func keysTakeTheDnsPortFlagUnlessTheyNameAPort() throws {
        let keys = try parsed(". example.org:53 {\n}", defaultPort: 1053).servers[0].keys
        #expect(keys == [ServerKey(zone: .root, port: 1053), ServerKey(zone: name("example.org"), port: 53)])
    }
}

@Suite struct BlockStructureTests {
    @Test(arguments: [
        (". {\nwhoami\n", [#"Corefile:1:3: unclosed "{"; expected "}" before the end of the file"#]),
        (". {\nhealth {\nlameduck 5s\n}\n", [#"Corefile:1:3: unclosed "{"; expected "}" before the end of the file"#]),
        (". {\n}\n}", [#"Corefile:3:1: unexpected "}"; no block is open here"#]),
        (". {\nhealth\n{\nlameduck 5s\n}\n}", [#"Corefile:3:1: unexpected "{"; a block must open on the same line as its directive"#]),
        (".\n{\n}", [#"Corefile:1:1: expected "{" after ".""#, #"Corefile:2:1: unexpected "{"; a block must open on the same line as its directive"#]),
        (". {\nlog {\n}\n}", [#"Corefile:2:5: "log" does not take a block"#]),
        // CoreDNS reads a glued brace as part of the word; it is reported once and read as a brace.
        (". {\nhealth{\n}\n}", [#"Corefile:2:1: missing space before "{" in "health{""#]),
        ("example.org{\n}", [#"Corefile:1:1: missing space before "{" in "example.org{""#]),
        // A quoted brace is a word.
        (". \"{\"\n}", [
            #"Corefile:1:3: invalid zone "{": invalid character "{""#,
            #"Corefile:1:3: expected "{" after "{""#,
            #"Corefile:2:1: unexpected "}"; no block is open here"#,
        ]),
        ("x \"unclosed\n", [#"Corefile:1:3: unclosed quote; expected a closing " before the end of the file"#]),
    ] as [(String, [String])])
    func structuralErrors(input: String, expected: [String]) {
        #expect(configErrors(input) == expected)
    }

    @Test func blocksMayBeWrittenOnOneLine() throws {
        let server = try parsed(". { health :8080 { lameduck 2s } }").servers[0]
        #expect(server.health?.lameduckMilliseconds == 2_000)
    }

    @Test func errorsFromSeveralDirectivesAndBlocksAreAllReported() {
        let text = ". {\n    promethus\n    log extra\n}\nexample.org {\n    bind 1.2.3\n}\n"
        #expect(configErrors(text) == [
            #"Corefile:2:5: unknown directive "promethus"; did you mean "prometheus"?"#,
            #"Corefile:3:9: unexpected argument "extra" to "log"; expected "log""#,
            #"Corefile:6:10: invalid IP address "1.2.3""#,
        ])
    }
}
