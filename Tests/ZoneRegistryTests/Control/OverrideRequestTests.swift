import Testing
@testable import ZoneRegistry

/// The body of `PUT /overrides/...`: every bad input is a 400 whose reason says what was wrong.
@Suite struct OverrideRequestTests {
    @Test(arguments: [
        (#"{"state":"drain"}"#, OverrideRequest(state: .drain, milliseconds: nil, reason: "")),
        (#"{"state":"up","for":"30m","reason":"probe path broken"}"#, OverrideRequest(state: .up, milliseconds: 1_800_000, reason: "probe path broken")),
        (#"{"state":"auto"}"#, OverrideRequest(state: nil, milliseconds: nil, reason: "")),
        (#"{"state":"drain","for":"1h30m"}"#, OverrideRequest(state: .drain, milliseconds: 5_400_000, reason: "")),
        (#"{"state":"drain","for":"720h"}"#, OverrideRequest(state: .drain, milliseconds: 2_592_000_000, reason: "")),
        (#"{"state":"drain","for":null,"reason":null}"#, OverrideRequest(state: .drain, milliseconds: nil, reason: "")),
    ] as [(String, OverrideRequest)])
    func accepts(body: String, expected: OverrideRequest) throws {
        #expect(try OverrideRequest.parse(Array(body.utf8)) == expected)
    }

    @Test(arguments: [
        ("", #"empty body; expected {"state": "drain"|"up"|"auto"}"#),
        (#"{"state":"drain""#, "malformed JSON"),
        ("[1,2]", "expected a JSON object"),
        (#"{"for":"3s"}"#, #"missing field "state"; expected drain, up or auto"#),
        (#"{"state":"down"}"#, #"unknown state "down"; expected drain, up or auto"#),
        (#"{"state":1}"#, #""state" must be a string: drain, up or auto"#),
        (#"{"state":"drain","for":"-5m"}"#, #"duration "-5m" must be positive"#),
        (#"{"state":"drain","for":"0s"}"#, #"duration "0s" must be positive"#),
        (#"{"state":"drain","for":"721h"}"#, #"duration "721h" is longer than 720h (30 days)"#),
        (#"{"state":"drain","for":"3 days"}"#, #"invalid duration "3 days"; expected e.g. 90s, 30m or 2h"#),
        (#"{"state":"drain","for":30}"#, #""for" must be a string such as "30m""#),
        (#"{"state":"drain","reason":"a\nb"}"#, "reason contains a control character"),
        (#"{"state":"drain","reson":"typo"}"#, #"unknown field "reson"; expected state, for, reason"#),
    ])
    func refuses(body: String, reason: String) {
        #expect(throws: OverrideRequest.Invalid(description: reason)) { try OverrideRequest.parse(Array(body.utf8)) }
    }

    @Test func refusesAnOverlongReason() {
        let body = #"{"state":"drain","reason":""# + String(repeating: "x", count: 257) + #""}"#
        #expect(throws: OverrideRequest.Invalid(description: "reason is longer than 256 characters")) {
            try OverrideRequest.parse(Array(body.utf8))
        }
    }
}
