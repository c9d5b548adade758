/// One problem in a Corefile, printed the way a compiler prints a diagnostic:
/// `Corefile:78:14: invalid IPv4 address "172.100.0.1043"`.
struct ConfigError: Error, Equatable, CustomStringConvertible {
    var location: SourceLocation
    var message: String

    var description: String {
        // Line 0 marks a problem with the file as a whole (missing, unreadable, empty).
        location.line == 0 ? "\(location.file): \(message)" : "\(location): \(message)"
    }
}

/// Every problem found in one Corefile, in source order; thrown instead of a `Configuration`
/// so that `-validate` can print them all at once.
struct ConfigErrors: Error, CustomStringConvertible {
    var errors: [ConfigError]

    /// One error per line.
    var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// Collects errors while parsing continues at the next directive or peer.
struct Diagnostics {
    private(set) var errors: [ConfigError] = []

    var isEmpty: Bool { errors.isEmpty }

    mutating func error(_ location: SourceLocation, _ message: String) {
        errors.append(ConfigError(location: location, message: message))
    }

    /// Errors sorted by position; checks that run after a whole block (a peer without an
    /// address) would otherwise print out of order.
    var sorted: ConfigErrors {
        let ordered = errors.enumerated().sorted { a, b in
            let (x, y) = (a.element.location, b.element.location)
            if x.line != y.line { return x.line < y.line }
            if x.column != y.column { return x.column < y.column }
            return a.offset < b.offset
        }
        return ConfigErrors(errors: ordered.map(\.element))
    }
}

/// `"text"` with quotes, backslashes and control characters escaped, so that a token is shown
/// exactly as it must be typed, and an empty token is still visible.
func quoted(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case "\t": result += "\\t"
        case "\r": result += "\\r"
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result + "\""
}
