import Foundation
import Testing
@testable import ZoneRegistry

/// Resets on a probe's stream: a peer resetting right after part of a response (the reset
/// and the bytes arrive in one poll, where libuv itself says EOF), and a probe resetting its
/// own connection once it has a verdict.
@Suite struct TCPStreamResetTests {
    static let address = "127.0.9.40"

    /// A listening socket on `address`, port chosen by the kernel.
    static func listener(backlog: Int32 = 4) throws -> (fd: Int32, port: UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var sockaddr = sockaddr_in()
        sockaddr.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, address, &sockaddr.sin_addr)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &sockaddr) {
            $0.withMemoryRebound(to: Glibc.sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && listen(fd, backlog) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        try #require(bound)
        return (fd, UInt16(bigEndian: sockaddr.sin_port))
    }

    static func run(_ loop: EventLoop, milliseconds: UInt64) {
        let timer = LoopTimer(loop: loop)
        timer.start(after: milliseconds) { loop.stop() }
        loop.run()
        timer.close()
    }

    /// Runs the loop until every closed handle's memory is released, so the loop itself can
    /// be closed (LeakSanitizer, `make test-asan`).
    static func drain(_ loop: EventLoop) {
        loop.run()
    }

    /// Found by MisbehavingPeerTests: under load such a peer was judged "closed before status
    /// line" instead of "connection reset".
    @Test func resetArrivingWithTheLastBytesIsAResetNotAnEndOfStream() throws {
        let (server, port) = try Self.listener()
        defer { close(server) }
        let loop = try EventLoop()
        var events: [String] = []
        let stream = try TCPStream(loop: loop, address: .v4(IPv4Address(Self.address)!), port: port) { event in
            switch event {
            case .connected: events.append("connected")
            case .received(let bytes): events.append("received \(bytes.count)")
            case .endOfStream: events.append("end of stream")
            case .failed(let error): events.append(error.name)
            }
        }
        Self.run(loop, milliseconds: 50)
        #expect(events == ["connected"])

        // Both the bytes and the RST are queued before the loop looks again.
        let peer = accept(server, nil, nil)
        _ = "HTTP/1.1 2".withCString { send(peer, $0, 10, Int32(MSG_NOSIGNAL)) }
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(peer, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        close(peer)
        usleep(20_000)
        Self.run(loop, milliseconds: 50)
        #expect(events == ["connected", "received 10", "ECONNRESET"])
        stream.close()
        Self.drain(loop)
    }

    @Test func orderlyCloseIsAnEndOfStream() throws {
        let (server, port) = try Self.listener()
        defer { close(server) }
        let loop = try EventLoop()
        var events: [String] = []
        let stream = try TCPStream(loop: loop, address: .v4(IPv4Address(Self.address)!), port: port) { event in
            switch event {
            case .connected: events.append("connected")
            case .received(let bytes): events.append("received \(bytes.count)")
            case .endOfStream: events.append("end of stream")
            case .failed(let error): events.append(error.name)
            }
        }
        Self.run(loop, milliseconds: 50)
        let peer = accept(server, nil, nil)
        _ = "HTTP/1.1 2".withCString { send(peer, $0, 10, Int32(MSG_NOSIGNAL)) }
        close(peer)
        usleep(20_000)
        Self.run(loop, milliseconds: 50)
        #expect(events == ["connected", "received 10", "end of stream"])
        stream.close()
        Self.drain(loop)
    }

    /// A probe that has its verdict resets its connection rather than closing it, so no
    /// TIME_WAIT socket is left on the registry's side: the peer reads a reset, not an end.
    @Test func abortResetsTheConnection() throws {
        let (server, port) = try Self.listener()
        defer { close(server) }
        let loop = try EventLoop()
        let stream = try TCPStream(loop: loop, address: .v4(IPv4Address(Self.address)!), port: port) { _ in }
        Self.run(loop, milliseconds: 50)
        let peer = accept(server, nil, nil)
        defer { close(peer) }
        stream.abort()
        Self.drain(loop)
        var byte: UInt8 = 0
        let count = recv(peer, &byte, 1, 0)
        #expect(count == -1 && errno == ECONNRESET)
    }
}
