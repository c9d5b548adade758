/// A complete HTTP/1.1 response; the endpoints always close after one response.
struct HTTPResponse: Equatable {
    var status: Int
    var contentType = "text/plain; charset=utf-8"
    /// Bytes, not a String: a /metrics body (26 MB with 10,000 peers) is rendered as bytes and
    /// goes to the socket without being copied into another representation.
    var body: [UInt8]
    /// Fields beyond the standard ones: `Allow` on a 405, `WWW-Authenticate` on a 401.
    var headers: [(String, String)] = []

    static func == (a: HTTPResponse, b: HTTPResponse) -> Bool {
        a.status == b.status && a.contentType == b.contentType && a.body == b.body
            && a.headers.map(\.0) == b.headers.map(\.0) && a.headers.map(\.1) == b.headers.map(\.1)
    }

    static func text(_ status: Int, _ body: String) -> HTTPResponse {
        HTTPResponse(status: status, body: Array(body.utf8))
    }

    var reason: String {
        switch status {
        case 200: return "OK"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 413: return "Content Too Large"
        case 415: return "Unsupported Media Type"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
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
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Connection: close\r\n\r\n"
        return Array(head.utf8)
    }
}
