import Foundation

/// `control [ADDRESS] { token_file FILE; state_file FILE }` (SPEC §11), default address
/// 127.0.0.1:8053. The token is read here, so a missing, unreadable or empty token file is a
/// configuration error at the `token_file` line, and a reload with a bad one keeps the old.
enum ControlParser {
    static let options = ["token_file", "state_file"]
    static let defaultAddress = HTTPListenAddress(host: .v4(IPv4Address(value: 0x7f00_0001)), port: 8053)

    private static let shape = DirectiveShape(component: "control")

    static func parse(_ d: Directive, _ diagnostics: inout Diagnostics) -> ControlDirective? {
        let errorsBefore = diagnostics.errors.count
        guard DirectiveShape(component: nil).atMost(1, d, usage: "control [ADDRESS] { token_file FILE }", &diagnostics) else {
            return nil
        }
        var address = defaultAddress
        if let token = d.arguments.first {
            guard let parsed = ConfigValue.httpAddress(token, &diagnostics) else { return nil }
            address = parsed
        }
        guard let block = shape.requiredBlock(d, &diagnostics) else { return nil }
        var token: (ControlToken, String)?
        var stateFile: String?
        var seen = SeenKeywords()
        for option in block.directives where seen.isFirst(option, shape, &diagnostics) {
            switch option.keyword {
            case "token_file":
                if let file = shape.single(option, usage: "token_file FILE", &diagnostics) {
                    token = readToken(file, &diagnostics).map { ($0, file.text) }
                }
            case "state_file":
                stateFile = shape.single(option, usage: "state_file FILE", &diagnostics)?.text
            default:
                shape.unknown(option, kind: "option", known: options, &diagnostics)
            }
        }
        if token == nil, diagnostics.errors.count == errorsBefore {
            // Changes to the answers need a secret; an API anybody on the host can drive is not offered.
            diagnostics.error(d.name.location, shape.message("missing token_file; changing requests need a bearer token"))
        }
        guard let token, diagnostics.errors.count == errorsBefore else { return nil }
        return ControlDirective(address: address, token: token.0, tokenFile: token.1, stateFile: stateFile, location: d.name.location)
    }

    /// The file's first line without surrounding white space; never echoed into a message.
    private static func readToken(_ file: Token, _ diagnostics: inout Diagnostics) -> ControlToken? {
        guard let data = FileManager.default.contents(atPath: file.text) else {
            let reason = FileManager.default.fileExists(atPath: file.text) ? "not readable" : "no such file"
            diagnostics.error(file.location, shape.message("cannot read token file \(quoted(file.text)): \(reason)"))
            return nil
        }
        let text = String(decoding: data, as: UTF8.self)
        let line = text.split(whereSeparator: \.isNewline).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard !line.isEmpty else {
            diagnostics.error(file.location, shape.message("token file \(quoted(file.text)) is empty"))
            return nil
        }
        guard line.utf8.count >= ControlToken.minimumLength else {
            diagnostics.error(
                file.location,
                shape.message("token in \(quoted(file.text)) is shorter than \(ControlToken.minimumLength) bytes; use e.g. `openssl rand -hex 32`"))
            return nil
        }
        return ControlToken(Array(line.utf8))
    }
}

/// The control API's bearer token. Its description never shows the secret, so it cannot leak
/// into a log line or a test failure by accident.
struct ControlToken: Sendable, Equatable, CustomStringConvertible {
    /// Short enough for any generated secret, long enough to refuse `secret`.
    static let minimumLength = 16
    private let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var description: String { "<token>" }

    /// Compared in constant time for a given candidate length: every byte is looked at,
    /// whatever matched before, so the time leaks no prefix of the secret.
    func matches(_ candidate: some Collection<UInt8>) -> Bool {
        var difference: UInt8 = bytes.count == candidate.count ? 0 : 1
        var index = 0
        for byte in candidate {
            difference |= byte ^ bytes[index % max(1, bytes.count)]
            index += 1
        }
        return difference == 0 && !bytes.isEmpty
    }
}

/// `control` in a server block: where the API listens, its token and where overrides persist.
struct ControlDirective: Sendable, Equatable {
    var address: HTTPListenAddress
    var token: ControlToken
    var tokenFile: String
    /// nil: overrides live in memory only (lost on restart, kept across reloads).
    var stateFile: String?
    var location: SourceLocation
}
