import Foundation
import Testing
@testable import ZoneRegistry

/// Large writes go to libuv a chunk at a time (a /metrics body is 26 MB with 10,000 peers):
/// the peer must still get every byte, in the order written, then the close.
@Suite struct TCPStreamWriteTests {
    static let address = "127.0.9.41"

    @Test func aLargeWriteArrivesWholeAndInOrderWithTheWritesAroundItThenTheClose() throws {
        let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(server) }
        var sockaddr = sockaddr_in()
        sockaddr.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, Self.address, &sockaddr.sin_addr)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &sockaddr) {
            $0.withMemoryRebound(to: Glibc.sockaddr.self, capacity: 1) { pointer in
                bind(server, pointer, length) == 0 && listen(server, 4) == 0 && getsockname(server, pointer, &length) == 0
            }
        }
        try #require(bound)

        let loop = try EventLoop()
        var connected = false
        let stream = try TCPStream(loop: loop, address: .v4(IPv4Address(Self.address)!), port: UInt16(bigEndian: sockaddr.sin_port)) { event in
            if case .connected = event { connected = true }
        }
        TCPStreamResetTests.run(loop, milliseconds: 50)
        try #require(connected)
        let peer = accept(server, nil, nil)
        defer { close(peer) }
        _ = fcntl(peer, F_SETFL, fcntl(peer, F_GETFL) | O_NONBLOCK)

        let head = Array("head\r\n".utf8)
        let body = (0..<(3 * 1024 * 1024 + 12_345)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
        let tail = Array("tail".utf8)
        stream.write(head)
        stream.write(body)
        stream.write(tail, thenClose: true)

        var received: [UInt8] = []
        var closed = false
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let deadline = Date().addingTimeInterval(10)
        while !closed && Date() < deadline {
            TCPStreamResetTests.run(loop, milliseconds: 2)
            while true {
                let count = recv(peer, &chunk, chunk.count, 0)
                if count > 0 {
                    received += chunk[..<count]
                } else {
                    closed = count == 0
                    break
                }
            }
        }
        #expect(closed)
        // Compared by position, not with #expect(==): a failure would print both 3 MB arrays.
        let expected = head + body + tail
        #expect(received.count == expected.count)
        let firstDifference = zip(received, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset
        #expect(firstDifference == nil)
        TCPStreamResetTests.drain(loop)
    }
}
