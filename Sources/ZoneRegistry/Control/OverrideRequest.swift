import Foundation

/// The body of `PUT /overrides/...`: `{"state": "drain"|"up"|"auto", "for": "30m", "reason": "..."}`,
/// validated field by field so a 400 says exactly what was wrong.
struct OverrideRequest: Equatable, Sendable {
    /// nil is `auto`: remove the override.
    var state: OverrideState?
    /// How long it lasts, in milliseconds; nil until removed.
    var milliseconds: Int?
    var reason: String

    /// Longest `for`: a maintenance window, not a permanent change (that belongs in the Corefile).
    static let longest = 30 * 24 * 3_600_000
    static let reasonLimit = 256
    static let fields = ["state", "for", "reason"]

    struct Invalid: Error, Equatable, CustomStringConvertible {
        var description: String
    }

    static func parse(_ body: [UInt8]) throws(Invalid) -> OverrideRequest {
        guard !body.isEmpty else { throw Invalid(description: "empty body; expected {\"state\": \"drain\"|\"up\"|\"auto\"}") }
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
                throw Invalid(description: "expected a JSON object")
            }
            object = parsed
        } catch let error as Invalid {
            throw error
        } catch {
            throw Invalid(description: "malformed JSON")
        }
        if let unknown = object.keys.sorted().first(where: { !fields.contains($0) }) {
            throw Invalid(description: "unknown field \(quoted(unknown)); expected state, for, reason")
        }
        return OverrideRequest(state: try state(object["state"]),
                               milliseconds: try duration(object["for"]),
                               reason: try reason(object["reason"]))
    }

    private static func state(_ value: Any?) throws(Invalid) -> OverrideState? {
        guard let value else { throw Invalid(description: "missing field \"state\"; expected drain, up or auto") }
        guard let text = value as? String else { throw Invalid(description: "\"state\" must be a string: drain, up or auto") }
        if text == "auto" { return nil }
        guard let state = OverrideState(rawValue: text) else {
            throw Invalid(description: "unknown state \(quoted(text)); expected drain, up or auto")
        }
        return state
    }

    /// Go duration syntax, as in the Corefile (`90s`, `30m`, `1h30m`); a bare number is seconds.
    static func duration(_ value: Any?) throws(Invalid) -> Int? {
        guard let value, !(value is NSNull) else { return nil }
        guard let text = value as? String else { throw Invalid(description: "\"for\" must be a string such as \"30m\"") }
        guard let nanoseconds = GoDuration.nanoseconds(text) else {
            throw Invalid(description: "invalid duration \(quoted(text)); expected e.g. 90s, 30m or 2h")
        }
        let milliseconds = (nanoseconds / 1e6).rounded()
        guard milliseconds >= 1 else { throw Invalid(description: "duration \(quoted(text)) must be positive") }
        guard milliseconds <= Double(longest) else {
            throw Invalid(description: "duration \(quoted(text)) is longer than \(GoDuration.format(milliseconds: longest)) (30 days)")
        }
        return Int(milliseconds)
    }

    private static func reason(_ value: Any?) throws(Invalid) -> String {
        guard let value, !(value is NSNull) else { return "" }
        guard let text = value as? String else { throw Invalid(description: "\"reason\" must be a string") }
        guard text.count <= reasonLimit else { throw Invalid(description: "reason is longer than \(reasonLimit) characters") }
        // The reason goes into a log line and the status page; a newline would forge a second line.
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw Invalid(description: "reason contains a control character")
        }
        return text
    }
}
