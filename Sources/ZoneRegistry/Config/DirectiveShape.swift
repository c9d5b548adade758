/// Checks of a directive's shape — how many arguments, whether it has a block, whether it was
/// already given — shared by the server block, `zoneregistry`, `peer` and `health` parsers.
///
/// Messages about shape name the component they belong to (`zoneregistry: unknown option
/// "intervall"`); messages about a value name what the value should have been (`invalid IPv4
/// address "172.100.0.1043"`).
struct DirectiveShape {
    /// The enclosing directive, e.g. "zoneregistry"; nil for server-level directives.
    var component: String?

    func message(_ text: String) -> String {
        component.map { "\($0): \(text)" } ?? text
    }

    /// The one argument of `d`, reporting a missing or an extra one against `usage`.
    func single(_ d: Directive, usage: String, _ diagnostics: inout Diagnostics) -> Token? {
        guard noBlock(d, &diagnostics) else { return nil }
        guard let first = d.arguments.first else {
            missingArgument(d, usage: usage, &diagnostics)
            return nil
        }
        return atMost(1, d, usage: usage, &diagnostics) ? first : nil
    }

    /// True when `d` has neither arguments nor a block.
    func bare(_ d: Directive, usage: String, _ diagnostics: inout Diagnostics) -> Bool {
        noBlock(d, &diagnostics) && atMost(0, d, usage: usage, &diagnostics)
    }

    /// The arguments of `d`, at least one.
    func some(_ d: Directive, usage: String, _ diagnostics: inout Diagnostics) -> [Token]? {
        guard noBlock(d, &diagnostics) else { return nil }
        if d.arguments.isEmpty {
            missingArgument(d, usage: usage, &diagnostics)
            return nil
        }
        return d.arguments
    }

    func atMost(_ count: Int, _ d: Directive, usage: String, _ diagnostics: inout Diagnostics) -> Bool {
        guard d.arguments.count > count else { return true }
        let extra = d.arguments[count]
        diagnostics.error(
            extra.location,
            message("unexpected argument \(quoted(extra.text)) to \(quoted(d.name.text)); expected \(quoted(usage))"))
        return false
    }

    func missingArgument(_ d: Directive, usage: String, _ diagnostics: inout Diagnostics) {
        diagnostics.error(
            d.name.location, message("missing argument to \(quoted(d.name.text)); expected \(quoted(usage))"))
    }

    func noBlock(_ d: Directive, _ diagnostics: inout Diagnostics) -> Bool {
        guard let block = d.block else { return true }
        diagnostics.error(block.open.location, message("\(quoted(d.name.text)) does not take a block"))
        return false
    }

    /// The block of `d`, reporting its absence at the last token of the line.
    func requiredBlock(_ d: Directive, _ diagnostics: inout Diagnostics) -> Block? {
        if let block = d.block { return block }
        diagnostics.error(d.lastToken.location, message("expected \"{\" after \(quoted(d.lastToken.text))"))
        return nil
    }

    func unknown(_ d: Directive, kind: String, known: [String], _ diagnostics: inout Diagnostics) {
        var text = "unknown \(kind) \(quoted(d.name.text))"
        if d.keyword == "import" {
            text += "; import and snippets are not supported, write the directives out"
        } else if let suggestion = Suggestion.closest(to: d.name.text, in: known) {
            text += "; did you mean \(quoted(suggestion))?"
        } else {
            text += "; expected one of " + known.joined(separator: ", ")
        }
        diagnostics.error(d.name.location, message(text))
    }
}

/// Remembers which keywords a block has used, so a second `ttl` is reported with the first.
struct SeenKeywords {
    private var first: [String: SourceLocation] = [:]

    /// False (and an error) when `d`'s keyword was already given in this block.
    mutating func isFirst(_ d: Directive, _ shape: DirectiveShape, _ diagnostics: inout Diagnostics) -> Bool {
        if let earlier = first[d.keyword] {
            diagnostics.error(
                d.name.location, shape.message("\(quoted(d.name.text)) given twice; first at \(earlier)"))
            return false
        }
        first[d.keyword] = d.name.location
        return true
    }
}
