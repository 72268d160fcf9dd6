import Testing

@testable import KandasServer

@Suite struct HTMLTests {
    @Test func interpolatedText_isEscapedForTextAndAttributes() {
        let hostile = "<script>alert('x')</script>\"&"
        let html: HTML = "<p title=\"\(hostile)\">\(hostile)</p>"
        #expect(
            html.rendered
                == "<p title=\"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&amp;\">"
                + "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&amp;</p>")
    }

    @Test func nestedFragments_areInsertedOnce_notEscapedTwice() {
        let inner: HTML = "<b>\("a&b")</b>"
        let outer: HTML = "<p>\(inner)\([inner, inner])</p>"
        #expect(outer.rendered == "<p><b>a&amp;b</b><b>a&amp;b</b><b>a&amp;b</b></p>")
    }

    @Test func optionalsAndNumbers_renderPlainly() {
        let none: String? = nil
        let html: HTML = "\(none)|\(Optional("<"))|\(42)|\(Int64(-7))"
        #expect(html.rendered == "|&lt;|42|-7")
    }

    @Test func nulCharacter_isReplaced() {
        #expect(HTML.escaped("a\u{0}b") == "a\u{FFFD}b")
    }
}
