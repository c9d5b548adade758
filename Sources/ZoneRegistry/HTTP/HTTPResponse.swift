/// A complete HTTP/1.1 response; the endpoints always close after one response.
struct HTTPResponse: Equatable {
    var status: Int
    var contentType = "text/plain; charset=utf-8"
    /// Bytes, not a String: a /metrics body (26 MB with 10,000 peers) is rendered as bytes and
    /// goes to the socket without being copied into another representation.
    var body: [UInt8]

    static func text(_ status: Int, _ body: String) -> HTTPResponse {
        HTTPResponse(status: status, body: Array(body.utf8))
    }

    var reason: String {
        switch status {
        case 200: return "OK"
        case 400: return "Bad Request"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 431: return "Request Header Fields Too Large"
        case 503: return "Service Unavailable"
        default: return "Status"
        }
    }

    /// Status line and headers. HEAD gets the same head without the body (RFC 9110 §9.3.2);
    /// the body is written after it as it is, not joined to it in a new array.
    var head: [UInt8] {
        var head = "HTTP/1.1 \(status) \(reason)\r\n"
        head += "Content-Type: \(contentType)\r\n"
        head += "Content-Length: \(body.count)\r\n"
        head += "Connection: close\r\n\r\n"
        return Array(head.utf8)
    }
}
