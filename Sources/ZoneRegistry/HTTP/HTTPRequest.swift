/// One parsed HTTP/1.x request: what a route needs to answer it.
///
/// Header names are lowercased (RFC 9110 §5.1: they are case-insensitive); a repeated field
/// is joined with ", " (§5.3). The query string is split into percent-decoded pairs.
struct HTTPRequest: Equatable, Sendable {
    var method: String
    /// The target's path, percent-decoded.
    var path: String
    var query: [QueryItem] = []
    var headers: [String: String] = [:]
    var body: [UInt8] = []
    /// `ADDRESS:PORT` of the client, for logs; set by the server, empty in parser tests.
    var client = ""

    struct QueryItem: Equatable, Sendable {
        var name: String
        var value: String
    }

    func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The first value of query parameter `name`.
    func queryValue(_ name: String) -> String? { query.first { $0.name == name }?.value }

    /// `a=1&b=x%20y` → pairs; `+` is a space, as HTML forms send it. Nil on a bad escape.
    static func parseQuery(_ text: Substring) -> [QueryItem]? {
        var items: [QueryItem] = []
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = percentDecoded(parts[0], plusIsSpace: true),
                  let value = percentDecoded(parts.count > 1 ? parts[1] : "", plusIsSpace: true) else { return nil }
            items.append(QueryItem(name: name, value: value))
        }
        return items
    }

    /// RFC 3986 §2.1 percent-decoding; nil when an escape is cut off, not hex, or the result
    /// is not UTF-8.
    static func percentDecoded(_ text: Substring, plusIsSpace: Bool) -> String? {
        var bytes: [UInt8] = []
        var utf8 = text.utf8.makeIterator()
        while let byte = utf8.next() {
            switch byte {
            case UInt8(ascii: "%"):
                guard let high = utf8.next().flatMap(hexValue), let low = utf8.next().flatMap(hexValue) else { return nil }
                bytes.append(high << 4 | low)
            case UInt8(ascii: "+") where plusIsSpace:
                bytes.append(UInt8(ascii: " "))
            default:
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
