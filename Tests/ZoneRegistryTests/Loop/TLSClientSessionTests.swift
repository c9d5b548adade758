import Foundation
import Testing
@testable import ZoneRegistry

/// A throwaway CA and a server certificate for `prod1.service.example.net`, made with the
/// `openssl` CLI in a temporary directory.
private struct CertificateFixture {
    let directory: URL
    var caFile: String { directory.appendingPathComponent("ca.pem").path }
    var certificateFile: String { directory.appendingPathComponent("server.pem").path }
    var keyFile: String { directory.appendingPathComponent("server.key").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("zr-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try "subjectAltName=DNS:prod1.service.example.net\n"
            .write(to: directory.appendingPathComponent("san.cnf"), atomically: true, encoding: .utf8)
        let key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try run(["req", "-x509"] + key + ["-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                                          "-subj", "/CN=zoneregistry test CA"])
        try run(["req", "-new"] + key + ["-keyout", "server.key", "-out", "server.csr",
                                         "-subj", "/CN=prod1.service.example.net"])
        try run(["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                 "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "san.cnf"])
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    private func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "openssl \(arguments.joined(separator: " "))")
    }
}

/// Shuttles bytes between the two sessions until neither has anything to say; returns the
/// client's last step.
private func handshake(_ client: TLSClientSession, _ server: TLSServerSession) -> TLSStep {
    var toServer = client.start()
    var clientStep = TLSStep()
    for _ in 0..<10 where !toServer.isEmpty {
        let serverStep = server.receive(toServer)
        clientStep = client.receive(serverStep.output)
        toServer = clientStep.output
        if clientStep.failure != nil { break }
    }
    return clientStep
}

@Suite struct TLSClientSessionTests {
    @Test func handshakeSucceedsWithTheExtraCAAndCarriesAnHTTPExchange() throws {
        let certificates = try CertificateFixture()
        defer { certificates.remove() }
        let server = try TLSServerSession(certificateChainFile: certificates.certificateFile,
                                          privateKeyFile: certificates.keyFile)
        let client = try TLSClientSession(host: "prod1.service.example.net.", insecure: false,
                                          caFile: certificates.caFile)
        let step = handshake(client, server)
        #expect(step.failure == nil)
        #expect(step.handshakeComplete)
        #expect(server.isHandshakeComplete)

        let host = try DomainName(parsing: "prod1.service.example.net")
        let request = HTTPProbeRequest.bytes(path: "/health", host: host, version: "test")
        let received = server.receive(client.send(request))
        #expect(received.plaintext == request)

        let response = server.send(Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK".utf8))
        let reply = client.receive(response + server.close())
        var reader = HTTPStatusReader()
        #expect(reader.feed(reply.plaintext) == .verdict(.pass))
        #expect(reply.closed)
    }

    @Test func certificateFromAnUnknownCAFailsVerification() throws {
        let certificates = try CertificateFixture()
        defer { certificates.remove() }
        let server = try TLSServerSession(certificateChainFile: certificates.certificateFile,
                                          privateKeyFile: certificates.keyFile)
        let client = try TLSClientSession(host: "prod1.service.example.net", insecure: false, caFile: nil)
        let step = handshake(client, server)
        #expect(!step.handshakeComplete)
        let failure = try #require(step.failure)
        #expect(failure == "certificate verify failed: unable to get local issuer certificate")
        #expect(ProbeVerdict.tls(failure).description.hasPrefix("TLS: certificate verify failed"))
        #expect(client.send([1, 2, 3]).isEmpty)
    }

    @Test func insecureSkipsVerification() throws {
        let certificates = try CertificateFixture()
        defer { certificates.remove() }
        let server = try TLSServerSession(certificateChainFile: certificates.certificateFile,
                                          privateKeyFile: certificates.keyFile)
        let client = try TLSClientSession(host: "elsewhere.example.org", insecure: true, caFile: nil)
        let step = handshake(client, server)
        #expect(step.failure == nil)
        #expect(step.handshakeComplete)
    }

    @Test func certificateForAnotherHostFailsVerification() throws {
        let certificates = try CertificateFixture()
        defer { certificates.remove() }
        let server = try TLSServerSession(certificateChainFile: certificates.certificateFile,
                                          privateKeyFile: certificates.keyFile)
        let client = try TLSClientSession(host: "prod2.service.example.net", insecure: false,
                                          caFile: certificates.caFile)
        let step = handshake(client, server)
        #expect(!step.handshakeComplete)
        #expect(step.failure == "certificate verify failed: hostname mismatch")
    }

    @Test func nonTLSBytesFailTheHandshake() throws {
        let client = try TLSClientSession(host: "prod1.service.example.net", insecure: true, caFile: nil)
        #expect(!client.start().isEmpty)
        let step = client.receive(Array("HTTP/1.1 400 Bad Request\r\n\r\n".utf8))
        #expect(step.failure == "wrong version number")
        #expect(!step.handshakeComplete)
        #expect(client.receive([0x16]).failure == step.failure)
    }

    @Test func unreadableCAFileIsASetupError() {
        #expect(throws: TLSSetupError(message: "tls_ca \"/nonexistent/ca.pem\": No such file or directory")) {
            _ = try TLSClientContext(insecure: false, caFile: "/nonexistent/ca.pem")
        }
    }

    @Test func sessionsShareOneContext() throws {
        let certificates = try CertificateFixture()
        defer { certificates.remove() }
        let context = try TLSClientContext(insecure: false, caFile: certificates.caFile)
        for _ in 0..<2 {
            let server = try TLSServerSession(certificateChainFile: certificates.certificateFile,
                                              privateKeyFile: certificates.keyFile)
            let client = try TLSClientSession(context: context, host: "prod1.service.example.net")
            #expect(handshake(client, server).handshakeComplete)
        }
    }
}
