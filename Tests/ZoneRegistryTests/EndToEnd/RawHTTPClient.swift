import Foundation

/// A TCP client that sends exactly the bytes it is given, for requests no well-behaved HTTP
/// client would send (garbage request lines, oversized heads, nothing at all).
enum RawHTTPClient {
    struct Exchange {
        /// Everything the server sent before it closed (or before `timeout`).
        var response: String
        /// Seconds from connect to the server's close; nil when it did not close within `timeout`.
        var closedAfter: Double?

        var statusLine: String { response.components(separatedBy: "\r\n").first ?? "" }
    }

    /// Connects to `host:port` (IPv4), sends `bytes`, reads until the server closes.
    static func exchange(host: String, port: UInt16, sending bytes: [UInt8], timeout: Double = 10) throws -> Exchange {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ClientError.system("socket", errno) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw ClientError.badAddress(host) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw ClientError.system("connect", errno) }
        let started = Date()
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { break }
            sent += n
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let remaining = timeout - Date().timeIntervalSince(started)
            guard remaining > 0 else { return Exchange(response: String(decoding: received, as: UTF8.self), closedAfter: nil) }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, Int32(remaining * 1000)) > 0 else { continue }
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            received += buffer[0..<n]
        }
        return Exchange(response: String(decoding: received, as: UTF8.self), closedAfter: Date().timeIntervalSince(started))
    }

    enum ClientError: Error {
        case system(String, Int32)
        case badAddress(String)
    }
}
