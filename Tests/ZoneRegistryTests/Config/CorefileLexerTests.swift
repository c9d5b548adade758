import Testing
@testable import ZoneRegistry

/// Tokens rendered as `LINE:COLUMN text`, `^` marking a token that starts a line and `{`/`}`
/// shown as braces only when they are block delimiters (a quoted brace is shown quoted).
private func render(_ text: String, environment: [String: String] = [:]) throws -> [String] {
    try CorefileLexer.tokenize(text, file: "Corefile", environment: environment).map { token in
        let mark = token.startsLine ? "^" : ""
        let body: String
        switch token.kind {
        case .openBrace: body = "{"
        case .closeBrace: body = "}"
        case .word: body = token.isQuoted ? quoted(token.text) : token.text
        }
        return "\(mark)\(token.location.line):\(token.location.column) \(body)"
    }
}

private func lexErrors(_ text: String, environment: [String: String] = [:]) -> [String] {
    do {
        _ = try CorefileLexer.tokenize(text, file: "Corefile", environment: environment)
        return []
    } catch {
        return error.errors.map(\.description)
    }
}

@Suite struct CorefileLexerTests {
    @Test(arguments: [
        // Words, lines and columns.
        (". {\n    whoami\n}", ["^1:1 .", "1:3 {", "^2:5 whoami", "^3:1 }"]),
        ("a  b\tc", ["^1:1 a", "1:4 b", "1:6 c"]),
        ("a\r\nb", ["^1:1 a", "^2:1 b"]),
        ("", []),
        // Comments run to the end of the line, also right after a word.
        ("# top\nlog # trailing\nerrors#glued", ["^2:1 log", "^3:1 errors"]),
        // A glued brace is part of the word, not a block delimiter.
        ("peer a{", ["^1:1 peer", "1:6 a{"]),
        ("health { lameduck 5s }", ["^1:1 health", "1:8 {", "1:10 lameduck", "1:19 5s", "1:22 }"]),
        // Quotes: spaces and braces kept, \" unescaped, other backslashes kept, a closing quote ends the word.
        ("path \"/a b\"", ["^1:1 path", "1:6 \"/a b\""]),
        ("x \"{\" \"}\"", ["^1:1 x", "1:3 \"{\"", "1:7 \"}\""]),
        ("x \"say \\\"hi\\\" \\\\n\"", ["^1:1 x", "1:3 \"say \\\"hi\\\" \\\\\\\\n\""]),
        ("x \"a\"b", ["^1:1 x", "1:3 \"a\"", "1:6 b"]),
        ("x \"\"", ["^1:1 x", "1:3 \"\""]),
        ("x a\"b", ["^1:1 x", "1:3 a\"b"]),
        // A quoted word spanning lines does not start a new line for what follows it.
        ("x \"a\nb\" c\nd", ["^1:1 x", "1:3 \"a\\nb\"", "2:4 c", "^3:1 d"]),
        // Columns count characters, not bytes.
        ("é b", ["^1:1 é", "1:3 b"]),
    ] as [(String, [String])])
    func tokens(input: String, expected: [String]) throws {
        #expect(try render(input) == expected)
    }

    @Test(arguments: [
        ("ttl {$TTL}", ["^1:1 ttl", "1:5 300"]),
        ("ttl {%TTL%}", ["^1:1 ttl", "1:5 300"]),
        ("x a{$TTL}b{$HOST}", ["^1:1 x", "1:3 a300bexample.net"]),
        ("x \"{$SPACED}\"", ["^1:1 x", "1:3 \"two words\""]),
        // A value is not substituted again, and a reference without a name is left alone.
        ("x {$SELF}", ["^1:1 x", "1:3 {$SELF}"]),
        ("x {$} {$TTL", ["^1:1 x", "1:3 {$}", "1:7 {$TTL"]),
    ] as [(String, [String])])
    func environmentSubstitution(input: String, expected: [String]) throws {
        let environment = ["TTL": "300", "HOST": "example.net", "SPACED": "two words", "SELF": "{$SELF}"]
        #expect(try render(input, environment: environment) == expected)
    }

    @Test(arguments: [
        ("path \"/health\n", ["Corefile:1:6: unclosed quote; expected a closing \" before the end of the file"]),
        ("ttl {$TTL}\nport {%PORT%}", [
            "Corefile:1:5: environment variable \"TTL\" is not set",
            "Corefile:2:6: environment variable \"PORT\" is not set",
        ]),
    ] as [(String, [String])])
    func errors(input: String, expected: [String]) {
        #expect(lexErrors(input) == expected)
    }
}
