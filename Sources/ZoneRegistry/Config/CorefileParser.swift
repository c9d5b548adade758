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
        checkOneControl(servers, &diagnostics)
        guard diagnostics.isEmpty else { throw diagnostics.sorted }
        return Configuration(servers: servers)
    }

    /// Reads and parses the Corefile at `path`; a missing or unreadable file is a `ConfigError`
    /// too. Messages name the file by `path` as given.
    static func load(
        path: String, defaultPort: UInt16 = 53, environment: [String: String] = [:]
    ) throws(ConfigErrors) -> Configuration {
        let location = SourceLocation(file: path, line: 0, column: 0)
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ConfigErrors(errors: [ConfigError(location: location, message: "cannot read: \(readFailure(error))")])
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw ConfigErrors(errors: [ConfigError(location: location, message: "cannot read: not UTF-8 text")])
        }
        return try parse(text, file: path, defaultPort: defaultPort, environment: environment)
    }

    /// The errno text an operator knows ("No such file or directory"), not Foundation's prose.
    static func readFailure(_ error: any Error) -> String {
        let error = error as NSError
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? any Error {
            let posix = underlying as NSError
            if posix.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(posix.code))) }
        }
        return error.localizedFailureReason ?? error.localizedDescription
    }

    /// One control API drives every registry of the daemon; a second would be a second truth.
    private static func checkOneControl(_ servers: [ServerBlockConfig], _ diagnostics: inout Diagnostics) {
        let controls = servers.compactMap(\.control)
        guard let first = controls.first else { return }
        for other in controls.dropFirst() {
            diagnostics.error(other.location, "control: given in a second server block; first at \(first.location), one control API serves every zone")
        }
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
