import Foundation
import Testing
@testable import ZoneRegistry

/// Connect-only probes: one result per started probe, none for a cancelled one, a reset on
/// close, and no handle left behind.
@Suite struct ConnectProberTests {
    typealias Harness = TCPStreamResetTests
    static let address = ListenHost.v4(IPv4Address(Harness.address)!)

    /// What the prober reported, as "TOKEN RESULT" lines in arrival order.
    final class Reports {
        var lines: [String] = []
    }

    static func prober(_ loop: EventLoop, tokens: Int, timeoutMilliseconds: Int = 1_000) -> (ConnectProber, Reports) {
        let reports = Reports()
        let prober = ConnectProber(loop: loop, tokenCount: tokens, timeoutMilliseconds: timeoutMilliseconds) { token, result in
            switch result {
            case .connected: reports.lines.append("\(token) connected")
            case .failed(let error): reports.lines.append("\(token) \(error.name)")
            case .timedOut: reports.lines.append("\(token) timed out")
            }
        }
        return (prober, reports)
    }

    @Test func aListeningPeerConnectsAndIsClosedWithAReset() throws {
        let (server, port) = try Harness.listener()
        defer { close(server) }
        let loop = try EventLoop()
        let (prober, reports) = Self.prober(loop, tokens: 4)
        #expect(prober.start(token: 3, address: Self.address, port: port) == nil)
        Harness.run(loop, milliseconds: 50)
        #expect(reports.lines == ["3 connected"])
        #expect(prober.inFlightCount == 0)

        let peer = accept(server, nil, nil)
        defer { close(peer) }
        var byte: UInt8 = 0
        #expect(recv(peer, &byte, 1, 0) == -1 && errno == ECONNRESET, "closed with FIN, leaving TIME_WAIT behind")
        prober.stop()
        Harness.drain(loop)
    }

    @Test func aClosedPortIsRefused() throws {
        let (server, port) = try Harness.listener()
        close(server)
        let loop = try EventLoop()
        let (prober, reports) = Self.prober(loop, tokens: 1)
        #expect(prober.start(token: 0, address: Self.address, port: port) == nil)
        Harness.run(loop, milliseconds: 50)
        #expect(reports.lines == ["0 ECONNREFUSED"])
        prober.stop()
        Harness.drain(loop)
    }

    @Test func aCancelledProbeReportsNothing() throws {
        let (server, port) = try Harness.listener()
        defer { close(server) }
        let loop = try EventLoop()
        let (prober, reports) = Self.prober(loop, tokens: 2)
        #expect(prober.start(token: 0, address: Self.address, port: port) == nil)
        #expect(prober.start(token: 1, address: Self.address, port: port) == nil)
        prober.cancel(token: 0)
        Harness.run(loop, milliseconds: 50)
        #expect(reports.lines == ["1 connected"])
        prober.stop()
        Harness.drain(loop)
    }

    /// A listener whose accept queue is full drops further SYNs, so those connects hang.
    @Test func everyProbeGetsExactlyOneResultAndHangingOnesTimeOut() throws {
        let (server, port) = try Harness.listener(backlog: 0)
        defer { close(server) }
        let loop = try EventLoop()
        let (prober, reports) = Self.prober(loop, tokens: 6, timeoutMilliseconds: 100)
        for token in 0..<6 {
            #expect(prober.start(token: token, address: Self.address, port: port) == nil)
        }
        Harness.run(loop, milliseconds: 400)
        let tokens = reports.lines.map { $0.split(separator: " ")[0] }
        #expect(tokens.sorted() == (0..<6).map { Substring(String($0)) }, "one result per probe")
        #expect(reports.lines.contains { $0.hasSuffix("timed out") })
        #expect(prober.inFlightCount == 0)
        prober.stop()
        Harness.drain(loop)
    }

    @Test func stoppingReportsNothingMoreAndLeavesNoHandle() throws {
        let (server, port) = try Harness.listener(backlog: 0)
        defer { close(server) }
        let loop = try EventLoop()
        let (prober, reports) = Self.prober(loop, tokens: 6, timeoutMilliseconds: 100)
        for token in 0..<6 {
            _ = prober.start(token: token, address: Self.address, port: port)
        }
        prober.stop()
        Harness.drain(loop)
        #expect(reports.lines.isEmpty)
        #expect(loop.activeHandleCount == 0)
    }
}
