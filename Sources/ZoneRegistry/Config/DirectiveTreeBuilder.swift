/// Groups tokens into `Directive`s: a directive's arguments are the words on its line, and a
/// `{` on that line opens its block (CoreDNS requires the brace on the directive's line).
///
/// Structural errors (a stray brace, an unclosed block) are reported and skipped, so that the
/// parsers above can still report what is wrong inside the blocks.
struct DirectiveTreeBuilder {
    private let tokens: [Token]
    private var index = 0
    private var diagnostics: Diagnostics
    /// Only the innermost unclosed block is reported: the outer ones are unclosed for the same reason.
    private var reportedUnclosed = false

    private init(tokens: [Token], diagnostics: Diagnostics) {
        self.tokens = tokens
        self.diagnostics = diagnostics
    }

    /// The top level of a Corefile: its server blocks, each a directive whose name and
    /// arguments are the keys.
    static func build(_ tokens: [Token], diagnostics: inout Diagnostics) -> [Directive] {
        var builder = DirectiveTreeBuilder(tokens: tokens, diagnostics: diagnostics)
        let directives = builder.body(openedBy: nil)
        diagnostics = builder.diagnostics
        return directives
    }

    private var peek: Token? { index < tokens.count ? tokens[index] : nil }

    private mutating func take() -> Token {
        defer { index += 1 }
        return tokens[index]
    }

    /// Directives up to the `}` matching `open`, or to the end of the file at the top level.
    private mutating func body(openedBy open: Token?) -> [Directive] {
        var directives: [Directive] = []
        while let token = peek {
            switch token.kind {
            case .closeBrace:
                index += 1
                if open != nil { return directives }
                diagnostics.error(token.location, "unexpected \"}\"; no block is open here")
            case .openBrace:
                index += 1
                diagnostics.error(
                    token.location,
                    "unexpected \"{\"; a block must open on the same line as its directive")
                _ = body(openedBy: token)
            case .word:
                directives.append(directive(topLevel: open == nil))
            }
        }
        if let open, !reportedUnclosed {
            reportedUnclosed = true
            diagnostics.error(open.location, "unclosed \"{\"; expected \"}\" before the end of the file")
        }
        return directives
    }

    private mutating func directive(topLevel: Bool) -> Directive {
        var result = Directive(name: take(), arguments: [], block: nil)
        while let token = peek, token.kind == .word, !token.startsLine || continuesKeys(result, topLevel) {
            result.arguments.append(take())
        }
        if let token = peek, token.kind == .openBrace, !token.startsLine || continuesKeys(result, topLevel) {
            index += 1
            result.block = Block(open: token, directives: body(openedBy: token))
        } else if let open = splitGluedBrace(&result) {
            result.block = Block(open: open, directives: body(openedBy: open))
        }
        return result
    }

    /// `peer a.example.org{` is one word to CoreDNS, and every line after it would then be
    /// misread; report the missing space once and read on as if it were there.
    private mutating func splitGluedBrace(_ directive: inout Directive) -> Token? {
        var last = directive.lastToken
        guard !last.isQuoted, last.text.count > 1, last.text.hasSuffix("{") else { return nil }
        diagnostics.error(last.location, "missing space before \"{\" in \(quoted(last.text))")
        last.text.removeLast()
        var column = last.location
        column.column += last.text.unicodeScalars.count
        if directive.arguments.isEmpty { directive.name = last } else { directive.arguments[directive.arguments.count - 1] = last }
        return Token(kind: .openBrace, text: "{", location: column, startsLine: false)
    }

    /// Server block keys may continue on the next line after a trailing comma, as in Caddy:
    /// `example.org,\n example.net {`.
    private func continuesKeys(_ directive: Directive, _ topLevel: Bool) -> Bool {
        topLevel && directive.lastToken.text.hasSuffix(",") && !directive.lastToken.isQuoted
    }
}
