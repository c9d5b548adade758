import Foundation
import Testing
@testable import ZoneRegistry

/// A zone transfer over DNS-over-TCP goes out a batch per loop turn, with the sockets polled
/// between batches, however fast the client reads (SPEC §10: a large zone streams in pieces).
/// Found by bench/transfer.py: writes that complete at once had their callbacks run again in
/// the same turn, so a whole 10,000-peer zone went out in one turn.
@Suite struct TransferStreamTurnTests {
    static let address = "127.0.23.50"
    static let port: UInt16 = 15_499

    @Test func aLargeTransferGoesOutABatchPerLoopTurnAndArrivesWhole() throws {
        let peers = (0..<5_000).map { peer("p\($0).service.example.net", v4: "10.0.\($0 / 256).\($0 % 256)") }
        let zone = TransferHarness(mode: .address, peers: peers, targets: [.any])
        let query = makeQuery(zoneText, .axfr)
        let expected = zone.rawMessages(query).flatMap { [UInt8($0.count >> 8), UInt8($0.count & 0xff)] + $0 }

        let loop = try EventLoop()
        let listener = try TCPListener(loop: loop, host: .v4(IPv4Address(Self.address)!), port: Self.port,
                                       responder: zone.harness.responder)
        let client = try Self.connectedClient()
        defer { close(client) }
        let framed = [UInt8(query.count >> 8), UInt8(query.count & 0xff)] + query
        try #require(send(client, framed, framed.count, 0) == framed.count)
        _ = fcntl(client, F_SETFL, fcntl(client, F_GETFL) | O_NONBLOCK)

        // Started before the listener's own idle handle, so it runs first in each turn: what
        // it reads arrived since its previous turn.
        var received: [UInt8] = []
        var perTurn: [Int] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        let reader = LoopIdle(loop: loop) {
            var count = 0
            while true {
                let n = recv(client, &chunk, chunk.count, 0)
                guard n > 0 else { break }
                received += chunk[..<n]
                count += n
            }
            if count > 0 { perTurn.append(count) }
            if received.count >= expected.count { loop.stop() }
        }
        reader.start()
        let guardTimer = LoopTimer(loop: loop)
        guardTimer.start(after: 10_000) { loop.stop() }
        loop.run()

        #expect(received.count == expected.count)
        // A Bool, not #expect(==): a failure would print both arrays (~180 KB each).
        let same = received == expected
        #expect(same, "the streamed transfer differs from the responder's messages")
        // One batch, or the first message and a batch, between two polls; a batch passes its
        // size by at most one message.
        let bound = TCPConnection.streamBatch + 2 * (2 + TransferStream.messageSize)
        #expect(perTurn.allSatisfy { $0 <= bound }, "bytes per loop turn: \(perTurn)")
        #expect(perTurn.count >= expected.count / bound)
        reader.close()
        guardTimer.close()
        listener.close()
        TCPStreamResetTests.drain(loop)
    }

    /// A blocking connect with a receive buffer larger than the zone: every write the
    /// listener makes completes at once, the case that chained batches within one turn.
    private static func connectedClient() throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var size: Int32 = 8 << 20
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, socklen_t(MemoryLayout<Int32>.size))
        var sockaddr = sockaddr_in()
        sockaddr.sin_family = sa_family_t(AF_INET)
        sockaddr.sin_port = port.bigEndian
        inet_pton(AF_INET, address, &sockaddr.sin_addr)
        let connected = withUnsafePointer(to: &sockaddr) {
            $0.withMemoryRebound(to: Glibc.sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        if !connected { close(fd) }
        try #require(connected)
        return fd
    }
}
