import Foundation
import Testing

/// A file of `deploy/kubernetes/` as the kubelet would hand it to a container: the value of a
/// ConfigMap key written as a YAML literal block (`Corefile: |`), and the same Corefile moved
/// onto loopback addresses for a test (a pod listens on every interface of its own network
/// namespace; a test must `bind` its own 127.0.15.x address and probe only loopback).
enum KubernetesManifest {
    static let root = DaemonProcess.packageRoot.appendingPathComponent("deploy/kubernetes")

    /// The value of `key` in `file` (relative to deploy/kubernetes/): a literal block
    /// (`key: |`) with its indentation removed, ending in one newline (YAML's default "clip"
    /// chomping), or a one-line value without its quotes.
    static func configMapValue(_ key: String, in file: String) throws -> String {
        let lines = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8).components(separatedBy: "\n")
        if let line = lines.first(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix("\(key): \"") }) {
            return String(line.split(separator: ":", maxSplits: 1)[1]).trimmingCharacters(in: CharacterSet(charactersIn: " \""))
        }
        guard let start = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "\(key): |" }) else {
            throw ManifestError.noBlock(key, file)
        }
        let indentation = { (line: String) in line.prefix { $0 == " " }.count }
        let isBlank = { (line: String) in line.trimmingCharacters(in: .whitespaces).isEmpty }
        var body: [String] = []
        for line in lines[(start + 1)...] {
            if !isBlank(line) && indentation(line) <= indentation(lines[start]) { break }
            body.append(line)
        }
        while let last = body.last, isBlank(last) { body.removeLast() }
        let margin = body.first { !isBlank($0) }.map(indentation) ?? 0
        return body.map { String($0.dropFirst(min(margin, indentation($0)))) }.joined(separator: "\n") + "\n"
    }

    /// `corefile` with every server block bound to `address` and its HTTP endpoints on that
    /// address (left on every interface when nil, for a private network namespace), and each
    /// of `addresses` and `words` replaced as a whole word. Throws when an IPv4 address outside
    /// 127.0.0.0/8 is left: a test never probes or binds one.
    static func onLoopback(_ corefile: String, bind address: String?, addresses: [String: String] = [:], words: [String: String] = [:]) throws -> String {
        var lines: [String] = []
        for line in corefile.components(separatedBy: "\n") {
            var line = line
            for (from, to) in addresses.merging(words, uniquingKeysWith: { $1 }) {
                line = line.replacingOccurrences(of: "(?<![\\w.])\(NSRegularExpression.escapedPattern(for: from))(?![\\w.])",
                                                 with: to, options: .regularExpression)
            }
            guard let address else {
                lines.append(line)
                continue
            }
            line = line.replacingOccurrences(of: "^(\\s*(?:health|ready|prometheus)) :", with: "$1 \(address):", options: .regularExpression)
            lines.append(line)
            if let first = line.first, first != " ", first != "#", line.hasSuffix("{") {
                lines.append("    bind \(address)")
            }
        }
        let text = lines.joined(separator: "\n")
        let left = text.matches(of: /\b(\d{1,3})\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/).filter { $0.1 != "127" }
        if let address = left.first { throw ManifestError.notLoopback(String(address.0)) }
        return text
    }

    enum ManifestError: Error { case noBlock(String, String), notLoopback(String) }
}

/// What a master pod finds at its mounts (deploy/kubernetes/masters/statefulset.yaml): the
/// Secret's keys from secret.yaml.example under `secrets`, group 65532 and mode 0440 as
/// `defaultMode` and `fsGroup` make them, and an empty state volume owned by that group.
struct MasterPodFiles {
    let directory: URL
    var secrets: URL { directory.appendingPathComponent("secrets") }
    var state: URL { directory.appendingPathComponent("state") }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("zr-pod-\(UUID().uuidString)")
        for folder in [directory, secrets, state] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        }
        for key in ["tsig.key", "control-token"] {
            let file = secrets.appendingPathComponent(key)
            try KubernetesManifest.configMapValue(key, in: "masters/secret.yaml.example").write(to: file, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o440, .groupOwnerAccountID: 65532], ofItemAtPath: file.path)
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o2775, .groupOwnerAccountID: 65532], ofItemAtPath: state.path)
    }

    /// The pod's paths as they appear in the Corefile → these folders.
    var paths: [String: String] { ["/etc/zoneregistry/secrets": secrets.path, "/var/lib/zoneregistry": state.path] }

    /// The base64 secret of `name`'s key in the Secret's tsig.key (BIND syntax).
    static func tsigSecret(_ name: String) throws -> String {
        let keys = try KubernetesManifest.configMapValue("tsig.key", in: "masters/secret.yaml.example")
        let block = try #require(keys.components(separatedBy: "key \"\(name)\"").dropFirst().first)
        return String(try #require(block.firstMatch(of: /secret "([^"]+)"/)).1)
    }

    static func controlToken() throws -> String { try KubernetesManifest.configMapValue("control-token", in: "masters/secret.yaml.example") }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// The gateway's `ingress-health` sidecar (deploy/kubernetes/gateway/configmap.yaml), the
/// script from the ConfigMap run with python3 as its container would run it, its environment
/// pointed at a loopback stand-in for the cluster's ingress.
final class IngressHealthSidecar {
    let process = Process()
    let directory: URL

    init(listen: String, ingressURL: String, host: String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("zr-ingress-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let script = directory.appendingPathComponent("ingress-health.py")
        try KubernetesManifest.configMapValue("ingress-health.py", in: "gateway/configmap.yaml").write(to: script, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path]
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["INGRESS_URL": ingressURL, "INGRESS_HOST": host, "INGRESS_TIMEOUT": "1", "LISTEN": listen, "PYTHONDONTWRITEBYTECODE": "1"]) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        while !text.contains("listening on") {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { throw SidecarError.didNotStart(listen) }
            text += String(decoding: data, as: UTF8.self)
        }
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    enum SidecarError: Error { case didNotStart(String) }
}
