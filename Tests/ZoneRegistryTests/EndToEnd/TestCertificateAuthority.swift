import Foundation

/// A throwaway CA and one server certificate made with the `openssl` command line, as an
/// operator would for a staging cluster: `ca.pem` for `tls_ca`, `server.pem` + `server.key`
/// for the peer's HTTPS endpoint. P-256 keys, valid for a day; removed with the value.
final class TestCertificateAuthority {
    let directory: URL
    var caFile: String { directory.appendingPathComponent("ca.pem").path }
    var certificateFile: String { directory.appendingPathComponent("server.pem").path }
    var keyFile: String { directory.appendingPathComponent("server.key").path }
    var serverTLS: (cert: String, key: String) { (certificateFile, keyFile) }

    /// A CA, and a certificate it signs whose subjectAltName lists `hostNames` (RFC 6125 §6:
    /// the name is checked against the SAN, not the CN).
    init(serverNames hostNames: [String]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("zr-ca-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let sans = hostNames.map { "DNS:\($0)" }.joined(separator: ",")
        try "subjectAltName=\(sans)\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
            .write(to: directory.appendingPathComponent("server.ext"), atomically: true, encoding: .utf8)
        let key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try openssl(["req", "-x509"] + key + ["-keyout", "ca.key", "-out", "ca.pem", "-days", "1",
                                              "-subj", "/CN=zoneregistry test CA"])
        try openssl(["req", "-new"] + key + ["-keyout", "server.key", "-out", "server.csr",
                                             "-subj", "/CN=\(hostNames[0])"])
        try openssl(["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                     "-out", "server.pem", "-days", "1", "-extfile", "server.ext"])
    }

    private func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw OpenSSLError.failed(arguments.joined(separator: " "), text) }
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    enum OpenSSLError: Error { case failed(String, String) }
}
