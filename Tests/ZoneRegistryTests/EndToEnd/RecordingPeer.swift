import Foundation

/// A health endpoint that records each probe connection (`Tests/Fixtures/recording_peer.py`):
/// the source address, the request and its headers, and whether the prober left with a FIN
/// (`clean`) or a reset, and over TLS whether it sent close_notify.
final class RecordingPeer {
    struct Connection: Decodable {
        var source: String
        var request: String?
        var headers: [String: String]
        var end: String
        var close_notify: Bool?
        var seconds: Double
        var sni: String?
    }

    let process: PeerProcess
    let recordFile: URL

    /// `arguments`: the fixture's response options (`--status "302 Found"`, `--pause 0.05` ...).
    init(address: String, port: Int = 8080, arguments: [String] = []) throws {
        recordFile = FileManager.default.temporaryDirectory.appendingPathComponent("zr-peer-\(UUID().uuidString).jsonl")
        process = try PeerProcess(script: "recording_peer.py", address: address, port: port,
                                  arguments: ["--record", recordFile.path] + arguments)
    }

    /// Every connection that has ended so far, in the order they ended.
    var connections: [Connection] {
        guard let text = try? String(contentsOf: recordFile, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(Connection.self, from: Data($0.utf8)) }
    }

    deinit {
        process.stop()
        try? FileManager.default.removeItem(at: recordFile)
    }
}
