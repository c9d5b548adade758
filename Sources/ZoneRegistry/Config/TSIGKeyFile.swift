import Foundation

/// A `secrets FILE` in BIND's key syntax: `key "NAME" { algorithm hmac-sha256; secret "B64"; };`
/// repeated, with `#`, `//` and `/* */` comments. Errors name the key file's line and column;
/// the secret itself is never quoted.
enum TSIGKeyFile {
    static func load(_ token: Token, _ diagnostics: inout Diagnostics) -> [(TSIGKey, SourceLocation)] {
        let text: String
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: token.text))
            guard let utf8 = String(validating: data, as: UTF8.self) else {
                diagnostics.error(token.location, "tsig: cannot read secrets file \(quoted(token.text)): not UTF-8 text")
                return []
            }
            text = utf8
        } catch {
            diagnostics.error(token.location,
                              "tsig: cannot read secrets file \(quoted(token.text)): \(CorefileParser.readFailure(error))")
            return []
        }
        return parse(text, file: token.text, &diagnostics)
    }

    static func parse(_ text: String, file: String, _ diagnostics: inout Diagnostics) -> [(TSIGKey, SourceLocation)] {
        var words = Words(tokens(text, file: file))
        var keys: [(TSIGKey, SourceLocation)] = []
        while let word = words.next() {
            guard word.text == "key", !word.isQuoted else {
                diagnostics.error(word.location, "expected \"key\", found \(quoted(word.text))")
                return keys
            }
            guard let key = readKey(at: word.location, &words, &diagnostics) else { return keys }
            keys.append((key, word.location))
        }
        return keys
    }

    private static func readKey(at location: SourceLocation, _ words: inout Words,
                                _ diagnostics: inout Diagnostics) -> TSIGKey? {
        guard let nameWord = words.next() else {
            diagnostics.error(location, "expected a key name after \"key\"")
            return nil
        }
        guard let name = ConfigValue.name(Token(kind: .word, text: nameWord.text, location: nameWord.location,
                                               startsLine: false), what: "key name", &diagnostics),
              words.expect("{", &diagnostics) else { return nil }
        var algorithm: TSIGAlgorithm?
        var secret: [UInt8]?
        while let field = words.next(), field.text != "}" || field.isQuoted {
            guard let value = words.next(), words.expect(";", &diagnostics) else {
                diagnostics.error(field.location, "expected a value and \";\" after \(quoted(field.text))")
                return nil
            }
            switch field.text.lowercased() {
            case "algorithm":
                guard let named = TSIGAlgorithm.named(value.text) else {
                    let known = TSIGAlgorithm.all.map(\.description).joined(separator: ", ")
                    diagnostics.error(value.location, "unknown TSIG algorithm \(quoted(value.text)); expected one of \(known)")
                    return nil
                }
                algorithm = named
            case "secret":
                guard let decoded = Base64.decode(value.text) else {
                    diagnostics.error(value.location, "invalid base64 secret for key \(quoted(name.description))")
                    return nil
                }
                secret = decoded
            default:
                diagnostics.error(field.location, "unknown key field \(quoted(field.text)); expected algorithm or secret")
                return nil
            }
        }
        guard words.expect(";", &diagnostics) else { return nil }
        guard let secret else {
            diagnostics.error(location, "key \(quoted(name.description)) has no secret")
            return nil
        }
        return TSIGKey(name: name, algorithm: algorithm ?? .hmacSHA256, secret: secret)
    }

    struct Word {
        var text: String
        var location: SourceLocation
        var isQuoted: Bool
    }

    struct Words {
        private var words: [Word]
        private var index = 0
        private var last: SourceLocation?

        init(_ words: [Word]) { self.words = words }

        mutating func next() -> Word? {
            guard index < words.count else { return nil }
            defer { index += 1 }
            last = words[index].location
            return words[index]
        }

        mutating func expect(_ punctuation: String, _ diagnostics: inout Diagnostics) -> Bool {
            let word = next()
            guard let word, word.text == punctuation, !word.isQuoted else {
                let at = word?.location ?? last ?? SourceLocation(file: "", line: 0, column: 0)
                diagnostics.error(at, "expected \(quoted(punctuation))" + (word.map { ", found \(quoted($0.text))" } ?? " at end of file"))
                return false
            }
            return true
        }
    }

    /// Words, quoted strings and the punctuation `{`, `}`, `;`, each with where it starts.
    static func tokens(_ text: String, file: String) -> [Word] {
        var words: [Word] = []
        let bytes = Array(text.utf8)
        var index = 0, line = 1, column = 1
        func advance() {
            if bytes[index] == 0x0a { line += 1; column = 1 } else { column += 1 }
            index += 1
        }
        while index < bytes.count {
            let byte = bytes[index]
            let location = SourceLocation(file: file, line: line, column: column)
            if byte == 0x20 || byte == 0x09 || byte == 0x0a || byte == 0x0d {
                advance()
            } else if byte == 0x23 || (byte == 0x2f && index + 1 < bytes.count && bytes[index + 1] == 0x2f) {
                while index < bytes.count, bytes[index] != 0x0a { advance() }
            } else if byte == 0x2f && index + 1 < bytes.count && bytes[index + 1] == 0x2a {
                advance(); advance()
                while index < bytes.count, !(bytes[index] == 0x2a && index + 1 < bytes.count && bytes[index + 1] == 0x2f) { advance() }
                if index < bytes.count { advance(); advance() }
            } else if byte == 0x7b || byte == 0x7d || byte == 0x3b {
                words.append(Word(text: String(UnicodeScalar(byte)), location: location, isQuoted: false))
                advance()
            } else if byte == 0x22 {
                advance()
                let start = index
                while index < bytes.count, bytes[index] != 0x22 { advance() }
                words.append(Word(text: String(decoding: bytes[start..<index], as: UTF8.self), location: location, isQuoted: true))
                if index < bytes.count { advance() }
            } else {
                let start = index
                while index < bytes.count, ![0x20, 0x09, 0x0a, 0x0d, 0x7b, 0x7d, 0x3b, 0x22].contains(bytes[index]) { advance() }
                words.append(Word(text: String(decoding: bytes[start..<index], as: UTF8.self), location: location, isQuoted: false))
            }
        }
        return words
    }
}
