/// A Corefile line and its block: `name arguments... [{ directives... }]`. Server blocks,
/// directives, options and peers all share this shape; the parsers above give it meaning.
struct Directive: Sendable, Equatable {
    var name: Token
    var arguments: [Token]
    var block: Block?

    /// The name as written, lowercased: directive and option names are case-insensitive
    /// (the plugin's README wrote `IPv4`, its parser wanted `ipv4`).
    var keyword: String { name.text.lowercased() }

    /// The last token on the directive's line, where "expected { after ..." points.
    var lastToken: Token { arguments.last ?? name }
}

/// `{ directives... }`.
struct Block: Sendable, Equatable {
    var open: Token
    var directives: [Directive]
}
