/// One word of a Corefile, after quote removal and `{$ENV}` substitution.
struct Token: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case word
        /// An unquoted `{`: opens a block. A quoted `"{"` is a word.
        case openBrace
        /// An unquoted `}`: closes a block.
        case closeBrace
    }

    var kind: Kind
    var text: String
    /// Where the token starts (its opening quote, if quoted).
    var location: SourceLocation
    /// True when a newline separates this token from the previous one (or it is the first):
    /// a directive's arguments are the tokens that follow it on the same line, and a quoted
    /// token spanning lines does not start a new one.
    var startsLine: Bool
    var isQuoted = false
}
