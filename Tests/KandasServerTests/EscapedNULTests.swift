import Testing

@testable import KandasServer

/// `RequestContext.holdsEscapedNUL`: U+0000 reaches a JSON string only as the escape `\u0000`;
/// escapes are read in pairs, so an escaped backslash followed by "u0000" is ordinary text.
struct EscapedNULTests {
    @Test(arguments: [
        (#"{"a":"\u0000"}"#, true),
        (#"{"a":"x\u0000y"}"#, true),
        (#"{"a":"\\\u0000"}"#, true),
        (#"{"\u0000":1}"#, true),
        (#"{"a":"\\u0000"}"#, false),
        (#"{"a":"\\\\u0000"}"#, false),
        (#"{"a":"\u00001"}"#, true),
        (#"{"a":"\u0001"}"#, false),
        (#"{"a":"u0000"}"#, false),
        (#"{"a":"\"}"#, false),
        ("", false),
    ])
    func escapedNUL_isFoundOnlyWhereItIsAnEscape(json: String, holds: Bool) {
        #expect(RequestContext.holdsEscapedNUL(Array(json.utf8)) == holds, "\(json)")
    }
}
