import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A client socket to the daemon that sends exactly the bytes a test chooses: what `dig`
/// refuses to send (cut-off packets, pointer loops) or how it refuses to send it (one byte a
/// second, never reading). IPv4 loopback only. Closed when dropped.
final class RawSocket {
    let fd: Int32
    /// Stream bytes read past the last framed message (pipelined answers).
    private var pending: [UInt8] = []

    /// Where these sockets come from. Left to the kernel, a connection to 127.0.9.x would take
    /// an ephemeral port of 127.0.0.1, the address other suites' daemons bind to random ports
    /// of while this one holds a thousand connections open.
    static let sourceAddress = "127.0.9.254"

    private init(type: Int32, host: String, port: UInt16, receiveBuffer: Int32? = nil) throws {
        fd = socket(AF_INET, type, 0)
        guard fd >= 0 else { throw RawSocketError.failed("socket", errno) }
        // Before connect, so the window the daemon sees is small from the first segment.
        if var size = receiveBuffer {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var source = sockaddr_in()
        source.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, RawSocket.sourceAddress, &source.sin_addr)
        let bound = withUnsafePointer(to: &source) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            let error = errno
            close(fd)
            throw RawSocketError.failed("bind", error)
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        inet_pton(AF_INET, host, &address.sin_addr)
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            let error = errno
            close(fd)
            throw RawSocketError.failed("connect", error)
        }
    }

    static func udp(_ host: String, _ port: UInt16) throws -> RawSocket { try RawSocket(type: Int32(SOCK_DGRAM.rawValue), host: host, port: port) }
    /// `receiveBuffer`: SO_RCVBUF in bytes, for a client that reads slowly or not at all.
    static func tcp(_ host: String, _ port: UInt16, receiveBuffer: Int32? = nil) throws -> RawSocket {
        try RawSocket(type: Int32(SOCK_STREAM.rawValue), host: host, port: port, receiveBuffer: receiveBuffer)
    }

    deinit { close(fd) }

    /// Sends without SIGPIPE: writing to a connection the daemon closed must fail, not kill the test.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
    }

    /// Half-closes: the daemon reads end of stream.
    func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

    /// Every timeout here is how long the daemon may take to answer or close: scaled by
    /// `DaemonLaunch.timeScale`.
    private static func deadline(_ timeout: Double) -> Date {
        Date().addingTimeInterval(DaemonLaunch.scaled(timeout))
    }

    /// One datagram or whatever the stream has, waiting up to `timeout` seconds; nil on
    /// timeout, end of stream or error.
    func receive(timeout: Double) -> [UInt8]? {
        receive(until: Self.deadline(timeout))
    }

    private func receive(until deadline: Date) -> [UInt8]? {
        guard wait(deadline.timeIntervalSinceNow) else { return nil }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return count > 0 ? Array(buffer[0..<count]) : nil
    }

    /// A whole DNS-over-TCP message (RFC 1035 §4.2.2 length prefix), or nil.
    func receiveFramed(timeout: Double) -> [UInt8]? {
        let deadline = Self.deadline(timeout)
        while pending.count < 2 || pending.count < 2 + (Int(pending[0]) << 8 | Int(pending[1])) {
            guard deadline.timeIntervalSinceNow > 0, let more = receive(until: deadline) else { return nil }
            pending += more
        }
        let end = 2 + (Int(pending[0]) << 8 | Int(pending[1]))
        defer { pending.removeFirst(end) }
        return Array(pending[2..<end])
    }

    /// True once the daemon has closed the connection (end of stream or reset), waiting up
    /// to `timeout` seconds; bytes that arrive meanwhile are discarded.
    func closedByPeer(within timeout: Double) -> Bool {
        let deadline = Self.deadline(timeout)
        while true {
            let left = deadline.timeIntervalSinceNow
            guard left > 0, wait(left) else { return false }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count == 0 { return true }
            if count < 0 && errno != EAGAIN && errno != EINTR { return true }
        }
    }

    private func wait(_ timeout: Double) -> Bool {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&poller, 1, Int32(max(0, timeout * 1000))) > 0
    }

    enum RawSocketError: Error { case failed(String, Int32) }
}

/// Sends one query over UDP and returns the response, or nil when none came within `timeout`.
func udpExchange(_ query: [UInt8], host: String, port: UInt16, timeout: Double = 1) throws -> [UInt8]? {
    let socket = try RawSocket.udp(host, port)
    socket.send(query)
    return socket.receive(timeout: timeout)
}

/// Sends one framed query over a new TCP connection and returns the response, or nil.
func tcpExchange(_ query: [UInt8], host: String, port: UInt16, timeout: Double = 2) throws -> [UInt8]? {
    let socket = try RawSocket.tcp(host, port)
    socket.send([UInt8(query.count >> 8), UInt8(query.count & 0xff)] + query)
    return socket.receiveFramed(timeout: timeout)
}

/// Open file descriptors of a process (sockets, pipes, files), from /proc.
func openFileCount(of pid: Int32) -> Int {
    (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1
}

/// The RCODE of a response's header (RFC 1035 §4.1.1); nil when shorter than a header.
func headerRcode(_ response: [UInt8]) -> UInt16? {
    response.count >= 12 ? UInt16(response[3] & 0x0f) : nil
}
