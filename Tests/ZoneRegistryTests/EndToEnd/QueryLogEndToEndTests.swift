import Foundation
import Testing

/// The `log` directive writes CoreDNS's common log format, field for field, so log parsers
/// built for CoreDNS keep working:
/// `{remote}:{port} - {id} "{type} {class} {name} {proto} {size} {do} {bufsize}" {rcode} {rflags} {rsize} {duration}`.
/// dig binds a chosen source address and port (`-b`) so the remote field is known exactly.
@Suite(.serialized) final class QueryLogEndToEndTests {
    static let corefile = """
        example.test:PORT {
            bind 127.0.6.1
            log
            zoneregistry {
                interval 300
                ttl 60
                peer prod1.example.test {
                    ipv4 127.0.6.2
                    protocol tcp
                }
            }
        }
        .:PORT {
            bind 127.0.6.1
            log
            whoami
        }
        errors.test:PORT {
            bind 127.0.6.1
            errors
            zoneregistry {
                interval 300
                timeout 200ms
                fail_open off
                peer dead.errors.test {
                    ipv4 127.0.6.3
                    protocol tcp
                }
            }
        }
        quiet.test:PORT {
            bind 127.0.6.1
            whoami
        }
        """

    let daemon: DaemonProcess

    init() throws {
        daemon = try DaemonProcess(corefile: Self.corefile)
    }

    /// Asks with `+qr` so dig also prints the query it sent (its id and size).
    func ask(_ name: String, _ type: String, sourcePort: UInt16, options: [String]) throws -> (id: String, querySize: String, responseSize: String) {
        let answer = try Dig.query(name, type, port: daemon.port, server: "127.0.6.1",
                                   options: ["-b", "127.0.6.9#\(sourcePort)", "+qr"] + options)
        func value(after prefix: String) -> String {
            guard let range = answer.raw.range(of: prefix) else { return "?" }
            return String(answer.raw[range.upperBound...].prefix { $0.isNumber })
        }
        return (value(after: "id: "), value(after: ";; QUERY SIZE: "), value(after: ";; MSG SIZE  rcvd: "))
    }

    /// The one log line whose remote field is `127.0.6.9:PORT`.
    func logLine(sourcePort: UInt16) -> String? {
        _ = daemon.waitForLog("127.0.6.9:\(sourcePort) ", timeout: 2)
        return daemon.logText.split(separator: "\n").first { $0.contains("127.0.6.9:\(sourcePort) ") }.map(String.init)
    }

    @Test(arguments: [
        // (name, type, dig options, the request and response fields expected)
        ("www.app.example.test", "A", ["+norec"], "\"A IN www.app.example.test. udp %Q false 1232\" NOERROR qr"),
        ("example.test", "SOA", ["+tcp", "+dnssec", "+bufsize=4096", "+norec"], "\"SOA IN example.test. tcp %Q true 4096\" NOERROR qr,aa"),
        ("Example.ORG", "TXT", ["+noedns", "+rec"], "\"TXT IN Example.ORG. udp %Q false 512\" NOERROR qr,aa,rd"),
        ("version.example.test", "TXT", ["-c", "CH", "+norec"], "\"TXT CH version.example.test. udp %Q false 1232\" REFUSED qr"),
    ])
    func eachQueryIsOneLineInCoreDNSCommonLogFormat(name: String, type: String, options: [String], expected: String) throws {
        let sourcePort = UInt16.random(in: 20_000...59_999)
        let sent = try ask(name, type, sourcePort: sourcePort, options: options)
        let line = try #require(logLine(sourcePort: sourcePort), "\(daemon.logText)")
        let request = expected.replacingOccurrences(of: "%Q", with: sent.querySize)
        let prefix = "[INFO] 127.0.6.9:\(sourcePort) - \(sent.id) \(request) \(sent.responseSize) "
        #expect(line.hasPrefix(prefix), "\(line)\nexpected prefix: \(prefix)")
        // The duration: seconds with a decimal point and an `s`, as Go prints a time.Duration's Seconds().
        let duration = line.dropFirst(prefix.count)
        #expect(duration.hasSuffix("s") && Double(duration.dropLast()) != nil, "\(duration)")
    }

    /// As in CoreDNS, `log` sees what reaches a block's handlers: a block without `log`, and
    /// a query the server rejects before choosing a block (EDNS version > 0 → BADVERS), write nothing.
    @Test func blocksWithoutLogAndQueriesRejectedBeforeAnyBlockWriteNoLine() throws {
        let quiet = UInt16.random(in: 20_000...59_999)
        _ = try ask("x.quiet.test", "A", sourcePort: quiet, options: [])
        let badvers = UInt16.random(in: 20_000...59_999)
        _ = try ask("example.test", "SOA", sourcePort: badvers, options: ["+edns=1", "+noednsnegotiation"])
        let marker = UInt16.random(in: 20_000...59_999)
        _ = try ask("x.example.org", "A", sourcePort: marker, options: [])
        #expect(logLine(sourcePort: marker) != nil)
        #expect(!daemon.logText.contains("127.0.6.9:\(quiet) "))
        #expect(!daemon.logText.contains("127.0.6.9:\(badvers) "))
    }

    @Test func errorsLogsEachSERVFAILAsCoreDNSsErrorsPluginDoes() throws {
        // Nothing listens on the only peer: after its first probe, fail_open off means SERVFAIL.
        #expect(try eventually(timeout: 3) {
            try Dig.query("app.errors.test", "A", port: daemon.port, server: "127.0.6.1").status == "SERVFAIL"
        })
        #expect(daemon.waitForLog("[ERROR] plugin/errors: 2 app.errors.test. A: no selected peer is healthy and fail_open is off"),
                "\(daemon.logText)")
    }
}
