import Foundation
import Testing

/// RFC 8945 against the real binary, asked with `dig -y` and with dnspython: signed answers to
/// signed questions, `require`, and the NOTAUTH errors. The peer is a real endpoint on 127.0.12.21.
@Suite(.serialized) final class TSIGEndToEndTests {
    static let secret = "c2VjcmV0LXNoYXJlZC1ieS10aGUtbWFzdGVycw=="
    static let key = "masters.service.example.net."
    let peer: PeerProcess
    let daemon: DaemonProcess

    init() throws {
        peer = try PeerProcess(address: "127.0.12.21")
        daemon = try DaemonProcess(corefile: """
        service.example.net:PORT {
            bind 127.0.0.64
            tsig {
                secret \(Self.key) \(Self.secret)
                require TXT
            }
            zoneregistry {
                interval 300
                mode address
                ns ns1.service.example.net 127.0.0.64
                peer p1.service.example.net {
                    ipv4 127.0.12.21
                    protocol tcp
                }
            }
        }
        """)
    }

    private func dig(_ type: String, key: String? = "hmac-sha256:\(key):\(secret)", tcp: Bool = false) throws -> DigAnswer {
        var options = tcp ? ["+tcp"] : []
        if let key { options += ["-y", key] }
        return try Dig.query("app.service.example.net", type, port: daemon.port, server: "127.0.0.64", options: options)
    }

    @Test func digYGetsASignedAnswerItVerifies() throws {
        for tcp in [false, true] {
            let answer = try dig("A", tcp: tcp)
            #expect(answer.status == "NOERROR")
            #expect(answer.answer.map(\.data) == ["127.0.12.21"])
            #expect(answer.raw.contains(";; TSIG PSEUDOSECTION:"))
            #expect(!answer.raw.contains("Couldn't verify") && !answer.raw.contains("WARNING"))
        }
        let sha512 = try dig("A", key: "hmac-sha512:\(Self.key):\(Self.secret)")
        #expect(sha512.status == "NOERROR" && sha512.raw.contains("hmac-sha512."))
        #expect(!sha512.raw.contains("Couldn't verify"))
    }

    @Test func requireRefusesUnsignedTXTOnly() throws {
        #expect(try dig("TXT", key: nil).status == "REFUSED")
        #expect(try dig("A", key: nil).status == "NOERROR")
        #expect(try dig("TXT").status == "NOERROR")
    }

    @Test func anotherSecretIsNOTAUTHBADSIGAndAnUnknownKeyBADKEY() throws {
        let forged = try dig("TXT", key: "hmac-sha256:\(Self.key):b3RoZXItc2VjcmV0LW9mLXRoZS1zYW1lLW5hbWU=")
        #expect(forged.status == "NOTAUTH")
        #expect(forged.raw.contains("BADSIG"))
        let stranger = try dig("TXT", key: "hmac-sha256:stranger.:\(Self.secret)")
        #expect(stranger.status == "NOTAUTH")
        #expect(stranger.raw.contains("BADKEY"))
    }

    @Test func dnspythonVerifiesAnswersAndSeesBADTIMEForASkewedClock() throws {
        #expect(try python(["TXT"]) == "verified NOERROR 0")
        #expect(try python(["A", "--tcp"]) == "verified NOERROR 1")
        #expect(try python(["A", "--skew", "-900"]) == "PeerBadTime")
        #expect(try python(["A"], secret: "b3RoZXItc2VjcmV0LW9mLXRoZS1zYW1lLW5hbWU=") == "PeerBadSignature")
    }

    private func python(_ arguments: [String], secret: String = secret) throws -> String {
        let script = DaemonProcess.packageRoot.appendingPathComponent("Tests/Fixtures/tsig_client.py").path
        let text = try Dig.output(of: "/usr/bin/python3", [script, "127.0.0.64", String(daemon.port), Self.key, secret,
                                                           "hmac-sha256", "app.service.example.net", arguments[0]]
                                                           + arguments.dropFirst())
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
