import Foundation

/// Strict RFC 4648 §4 base64 for TSIG secrets: padding required, no whitespace or other bytes.
enum Base64 {
    static func decode(_ text: String) -> [UInt8]? {
        guard !text.isEmpty, text.count % 4 == 0, let data = Data(base64Encoded: text) else { return nil }
        return [UInt8](data)
    }
}
