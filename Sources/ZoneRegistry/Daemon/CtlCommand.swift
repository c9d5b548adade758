import ArgumentParser
import Foundation

/// `zoneregistry ctl ...`: the control API from a shell (SPEC §11). Human tables by default,
/// the server's JSON with `--json`; exits 1 with the server's reason on any error.
struct CtlCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ctl",
        abstract: "Talk to a running daemon's control API: status, drain, undrain, explain.",
        subcommands: [Status.self, Drain.self, Undrain.self, Explain.self]
    )

    struct Options: ParsableArguments {
        @Option(name: .customLong("control"), help: "The control API's URL.")
        var control = "http://127.0.0.1:8053"

        @Option(name: .customLong("token-file"), help: "File holding the bearer token (needed to drain and undrain).")
        var tokenFile: String?

        @Flag(name: .customLong("json"), help: "Print the server's JSON instead of a table.")
        var json = false

        func client() throws -> ControlClient {
            do {
                return try ControlClient(url: control)
            } catch {
                throw CtlFailure(error.description)
            }
        }

        func token() throws -> String {
            guard let tokenFile else { throw CtlFailure("--token-file is needed to change overrides") }
            guard let data = FileManager.default.contents(atPath: tokenFile) else {
                throw CtlFailure("cannot read token file \(tokenFile)")
            }
            return String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first
                .map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        }

        /// Sends the request; prints the JSON (`--json`) or hands it to `table`; a non-2xx reply
        /// prints the server's reason and exits 1.
        func exchange(_ method: String, _ path: String, token: String? = nil, body: [UInt8]? = nil,
                      table: ([String: Any]) -> String) throws {
            let reply: ControlClient.Reply
            do {
                reply = try client().send(method: method, path: path, token: token, body: body)
            } catch let error as ControlClient.Failure {
                throw CtlFailure(error.description)
            }
            let object = (try? JSONSerialization.jsonObject(with: Data(reply.body))) as? [String: Any]
            guard (200..<300).contains(reply.status) else {
                let reason = object?["error"] as? String ?? reply.text.trimmingCharacters(in: .whitespacesAndNewlines)
                throw CtlFailure("\(reply.status): \(reason)")
            }
            if json || object == nil {
                print(reply.text, terminator: reply.text.hasSuffix("\n") ? "" : "\n")
            } else if let object {
                print(table(object), terminator: "")
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every zone and peer: state, cause, latency, override.")
        @OptionGroup var options: Options

        func run() throws {
            try options.exchange("GET", "/status", table: CtlTables.status)
        }
    }

    struct Drain: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take a peer (or every peer with labels KEY=VALUE) out of the answers.")
        @Argument(help: "A peer host (prod1.example.net or its first label prod1), or a selector KEY=VALUE[,KEY=VALUE].")
        var peer: String
        @Option(name: .customLong("for"), help: "How long, in Go duration syntax (30m, 2h); until undrained if absent.")
        var duration: String?
        @Option(name: .customLong("reason"), help: "Why, for the log, the status page and /explain.")
        var reason: String?
        @OptionGroup var options: Options

        func run() throws {
            var body: [String: String] = ["state": "drain"]
            body["for"] = duration
            body["reason"] = reason
            let json = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
            try options.exchange("PUT", CtlCommand.overridePath(peer), token: try options.token(), body: Array(json),
                                 table: CtlTables.change)
        }
    }

    struct Undrain: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a peer's override: health decides again (auto).")
        @Argument(help: "A peer host, or a selector KEY=VALUE.")
        var peer: String
        @OptionGroup var options: Options

        func run() throws {
            try options.exchange("DELETE", CtlCommand.overridePath(peer), token: try options.token(), table: CtlTables.change)
        }
    }

    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The answer for NAME now, and why each other peer is left out.")
        @Argument(help: "The query name.")
        var name: String
        @Argument(help: "The query type (default A).")
        var type = "A"
        @OptionGroup var options: Options

        func run() throws {
            try options.exchange("GET", "/explain?name=\(CtlCommand.escape(name))&type=\(CtlCommand.escape(type))",
                                 table: CtlTables.explanation)
        }
    }

    /// `/overrides/PEER`, or `/overrides?select=K=V` when the argument is a selector.
    static func overridePath(_ peer: String) -> String {
        peer.contains("=") ? "/overrides?select=\(escape(peer))" : "/overrides/\(escape(peer))"
    }

    static func escape(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~=,")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

/// An error the operator reads on stderr; the exit status is 1.
struct CtlFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
