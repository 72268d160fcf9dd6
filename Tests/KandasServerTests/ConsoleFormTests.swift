import Testing

@testable import KandasServer

@Suite struct ConsoleFormTests {
    @Test func urlencodedBody_decodesPlusAndPercent() {
        let form = ConsoleForm.decode(Array("a=1+2&b=%D0%90%26&c&a=ignored".utf8))
        #expect(form == ["a": "1 2", "b": "А&", "c": ""])
    }

    @Test func truncatedOrInvalidEscape_rejectsTheWholeBody() {
        #expect(ConsoleForm.decode(Array("a=%4".utf8)) == nil)
        #expect(ConsoleForm.decode(Array("a=%zz".utf8)) == nil)
        #expect(ConsoleForm.decode(Array("a=%FF".utf8)) == nil)  // not UTF-8
    }

    @Test func encode_keepsOnlyUnreservedCharacters() {
        #expect(ConsoleForm.encode("a b/ё&") == "a%20b%2F%D1%91%26")
    }
}
