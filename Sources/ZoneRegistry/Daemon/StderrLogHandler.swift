import Foundation
import Logging

/// One line per event on stderr, in CoreDNS's shape (`[INFO] plugin/zoneregistry: ...`), so
/// log pipelines built for the plugin keep matching.
struct StderrLogHandler: LogHandler {
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    let label: String

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let level: String
        switch event.level {
        case .trace, .debug: level = "DEBUG"
        case .info, .notice: level = "INFO"
        case .warning: level = "WARNING"
        case .error, .critical: level = "ERROR"
        }
        let prefix = label.isEmpty ? "" : "\(label): "
        FileHandle.standardError.write(Data("[\(level)] \(prefix)\(event.message)\n".utf8))
    }
}
