@testable import ZoneRegistry

/// The error lines `zoneregistry -validate` would print for `text`, or [] when it parses.
func configErrors(_ text: String, defaultPort: UInt16 = 53, environment: [String: String] = [:]) -> [String] {
    do {
        _ = try CorefileParser.parse(text, file: "Corefile", defaultPort: defaultPort, environment: environment)
        return []
    } catch {
        return error.errors.map(\.description)
    }
}

func parsed(_ text: String, defaultPort: UInt16 = 53) throws -> Configuration {
    try CorefileParser.parse(text, file: "Corefile", defaultPort: defaultPort)
}

/// Server-level directives go on line 2, column 1.
func serverCorefile(_ directives: String) -> String {
    ". {\n\(directives)\n}\n"
}

/// Registry options go on line 3, column 1, beside one valid peer.
func registryCorefile(_ options: String) -> String {
    "example.org {\nzoneregistry {\n\(options)\npeer p1.example.org {\nipv4 127.0.0.1\n}\n}\n}\n"
}

/// Peer options go on line 4, column 1, followed by `address` (a peer needs one).
func peerCorefile(_ options: String, address: String = "ipv4 127.0.0.1") -> String {
    "example.org {\nzoneregistry {\npeer p1.example.org {\n\(options)\n\(address)\n}\n}\n}\n"
}

func location(_ line: Int, _ column: Int) -> SourceLocation {
    SourceLocation(file: "Corefile", line: line, column: column)
}

