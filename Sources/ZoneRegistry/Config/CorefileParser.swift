import Foundation

/// Corefile text → `Configuration`, or every error found in it (SPEC §3). A configuration with
/// any error is never returned, so a bad reload cannot replace a good one.
enum CorefileParser {
    /// - Parameters:
    ///   - file: the name used in error messages, e.g. the path as given on the command line.
    ///   - defaultPort: the port of keys without one (`-dns.port`).
    ///   - environment: the values for `{$NAME}` and `{%NAME%}`.
    static func parse(
        _ text: String, file: String, defaultPort: UInt16 = 53, environment: [String: String] = [:]
    ) throws(ConfigErrors) -> Configuration {
        let tokens = try CorefileLexer.tokenize(text, file: file, environment: environment)
        var diagnostics = Diagnostics()
        let blocks = DirectiveTreeBuilder.build(tokens, diagnostics: &diagnostics)
        if blocks.isEmpty, diagnostics.isEmpty {
            diagnostics.error(
                SourceLocation(file: file, line: 0, column: 0), "no server blocks; expected e.g. \". { whoami }\"")
        }
        let servers = blocks.compactMap { ServerBlockParser.parse($0, defaultPort: defaultPort, &diagnostics) }
        checkUniqueZones(blocks, defaultPort: defaultPort, &diagnostics)
        guard diagnostics.isEmpty else { throw diagnostics.sorted }
        return Configuration(servers: servers)
    }

    /// Reads and parses the Corefile at `path`; a missing or unreadable file is a `ConfigError`
    /// too. Messages name the file by `path` as given.
    static func load(
        path: String, defaultPort: UInt16 = 53, environment: [String: String] = [:]
    ) throws(ConfigErrors) -> Configuration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason = (error as NSError).localizedFailureReason ?? error.localizedDescription
            throw ConfigErrors(errors: [
                ConfigError(location: SourceLocation(file: path, line: 0, column: 0), message: "cannot read: \(reason)"),
            ])
        }
        return try parse(text, file: path, defaultPort: defaultPort, environment: environment)
    }

    /// Two keys serving the same zone on the same port, in one block or in two, leave no rule
    /// for which block answers; both places are named.
    private static func checkUniqueZones(_ blocks: [Directive], defaultPort: UInt16, _ diagnostics: inout Diagnostics) {
        var first: [ServerKey: SourceLocation] = [:]
        var scratch = Diagnostics()  // key errors were already reported by ServerBlockParser
        for block in blocks {
            for token in [block.name] + block.arguments {
                for text in token.text.split(separator: ",") {
                    guard let key = ServerKey.parse(token, text: String(text), defaultPort: defaultPort, &scratch) else {
                        continue
                    }
                    if let earlier = first[key] {
                        diagnostics.error(
                            token.location,
                            "zone \(quoted(key.zone.description)) on port \(key.port) is already served by the block at \(earlier)")
                    } else {
                        first[key] = token.location
                    }
                }
            }
        }
    }
}
