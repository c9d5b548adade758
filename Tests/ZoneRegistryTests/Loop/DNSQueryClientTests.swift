import Foundation
import Testing
@testable import ZoneRegistry

/// The outgoing query client against a real, misbehaving DNS server (Tests/Fixtures/dns_server.py,
/// dnspython) on 127.0.12.31: one completion per query, whatever the server does.
@Suite(.serialized) struct DNSQueryClientTests {
    static let address = "127.0.12.31"

    /// The fixture in `mode` on a free port; killed at the end of `body`.
    private func withServer(_ mode: String, _ extra: [String] = [], _ body: (UInt16) throws -> Void) throws {
        let port = UInt16.random(in: 20_000...59_999)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [DaemonProcess.packageRoot.appendingPathComponent("Tests/Fixtures/dns_server.py").path,
                             "--address", Self.address, "--port", String(port), "--mode", mode] + extra
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        var text = ""
        while !text.contains("ready") {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { throw CocoaError(.fileReadUnknown) }
            text += String(decoding: data, as: UTF8.self)
        }
        try body(port)
    }

    /// Sends one TXT query and runs the loop until the completion (or 5 s).
    private func ask(port: UInt16, timeout: Int = 1_000, maxResponseSize: Int = WireLimit.maxMessage,
                     source: ListenHost? = nil, tcpOnly: Bool = false) throws -> (DNSQueryClient.Result?, calls: Int) {
        let loop = try EventLoop()
        var result: DNSQueryClient.Result?
        var calls = 0
        let query = makeQuery("probe.example.test", .txt, id: 0x4242)
        DNSQueryClient.send(query, loop: loop, to: .v4(IPv4Address(Self.address)!), port: port,
                            options: .init(source: source, timeoutMilliseconds: timeout,
                                           maxResponseSize: maxResponseSize, tcpOnly: tcpOnly)) { outcome in
            result = outcome
            calls += 1
            loop.stop()
        }
        let guardTimer = LoopTimer(loop: loop)
        guardTimer.start(after: 5_000) { loop.stop() }
        loop.run()
        guardTimer.close()
        TCPStreamResetTests.drain(loop)
        return (result, calls)
    }

    private func answerCount(_ result: DNSQueryClient.Result?) -> Int? {
        guard case .response(let bytes) = result else { return nil }
        return DecodedMessage(bytes)?.answer.count
    }

    private func failure(_ result: DNSQueryClient.Result?) -> DNSQueryClient.Failure? {
        if case .failed(let failure) = result { return failure }
        return nil
    }

    @Test func aPlainAnswerArrivesOverUDPFromTheSourceAddress() throws {
        try withServer("answer") { port in
            let (result, calls) = try ask(port: port, source: .v4(IPv4Address("127.0.12.39")!))
            #expect(calls == 1 && answerCount(result) == 1)
        }
    }

    @Test func aTruncatedAnswerIsAskedAgainOverTCP() throws {
        try withServer("truncate", ["--size", "3000"]) { port in
            let (result, calls) = try ask(port: port)
            guard case .response(let bytes) = result else {
                Issue.record("no response: \(String(describing: result))")
                return
            }
            #expect(calls == 1 && bytes.count > 2_000 && bytes[2] & 0x02 == 0)   // past any UDP size asked
        }
    }

    @Test func aDatagramWithAnotherIDIsIgnoredAndTheRightOneTaken() throws {
        try withServer("wrong-id") { port in
            let (result, calls) = try ask(port: port)
            #expect(calls == 1 && answerCount(result) == 1)
        }
    }

    @Test func silenceAndSlownessTimeOutOnce() throws {
        for mode in ["silent", "slow"] {
            try withServer(mode, ["--delay", "2"]) { port in
                let started = Date()
                let (result, calls) = try ask(port: port, timeout: 300)
                #expect(calls == 1 && failure(result) == .timedOut)
                #expect(Date().timeIntervalSince(started) < 1.5)
            }
        }
    }

    @Test func garbageIsIgnoredOverUDPAndTimesOut() throws {
        try withServer("garbage") { port in
            let (result, calls) = try ask(port: port, timeout: 300)
            #expect(calls == 1 && failure(result) == .timedOut)
        }
    }

    @Test func oversizedAnswersFailWithoutBeingRead() throws {
        try withServer("huge", ["--size", "4000"]) { port in
            let (result, calls) = try ask(port: port, maxResponseSize: 2_000)
            #expect(calls == 1 && failure(result) == .tooLarge(2_001))
            let (overTCP, tcpCalls) = try ask(port: port, maxResponseSize: 2_000, tcpOnly: true)
            #expect(tcpCalls == 1 && failure(overTCP) == .tooLarge(4_000))
        }
    }

    @Test func nobodyListeningIsRefusedAtOnce() throws {
        let (result, calls) = try ask(port: 9)
        #expect(calls == 1)
        guard case .network(let error) = failure(result) else {
            Issue.record("expected a network failure: \(String(describing: result))")
            return
        }
        #expect(error.name == "ECONNREFUSED")
    }

    @Test func aCancelledQueryNeverCompletes() throws {
        try withServer("slow", ["--delay", "0.2"]) { port in
            let loop = try EventLoop()
            var calls = 0
            let client = DNSQueryClient.send(makeQuery("probe.example.test", .txt), loop: loop,
                                             to: .v4(IPv4Address(Self.address)!), port: port,
                                             options: .init(timeoutMilliseconds: 1_000)) { _ in calls += 1 }
            client.cancel()
            TCPStreamResetTests.run(loop, milliseconds: 400)
            TCPStreamResetTests.drain(loop)
            #expect(calls == 0)
        }
    }
}
