/// A complete HTTP/1.1 response; the endpoints always close after one response.
struct HTTPResponse: Equatable {
    var status: Int
    var contentType = "text/plain; charset=utf-8"
    var body: String

    static func text(_ status: Int, _ body: String) -> HTTPResponse {
        HTTPResponse(status: status, body: body)
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

    /// Wire bytes; HEAD gets the same head without the body (RFC 9110 §9.3.2).
    func encoded(includeBody: Bool = true) -> [UInt8] {
        let body = Array(self.body.utf8)
        var head = "HTTP/1.1 \(status) \(reason)\r\n"
        head += "Content-Type: \(contentType)\r\n"
        head += "Content-Length: \(body.count)\r\n"
        head += "Connection: close\r\n\r\n"
        return Array(head.utf8) + (includeBody ? body : [])
    }
}
