import Testing

@testable import CurlTransport

@Suite struct ResponseHeadTests {
    private func head(_ lines: [String]) -> ResponseHead {
        var head = ResponseHead()
        for line in lines { head.consume(line: Array(line.utf8)) }
        return head
    }

    @Test func finalResponse_replacesInterimHeaders() {
        let h = head([
            "HTTP/1.1 100 Continue\r\n", "X-Interim: yes\r\n", "\r\n",
            "HTTP/1.1 204 No Content\r\n", "Upload-Offset: 42\r\n", "\r\n",
        ])
        #expect(h.status == 204)
        #expect(h.fields.map(\.name) == ["Upload-Offset"])
        #expect(h.fields.first?.value == "42")
    }

    @Test func fieldValues_areTrimmedAndRepeatsKeptInOrder() {
        let h = head(["HTTP/1.1 200 OK\r\n", "Set:  a \r\n", "Set:\tb\r\n", "Empty:\r\n"])
        #expect(h.fields.map(\.value) == ["a", "b", ""])
    }

    @Test func obsoleteLineFolding_joinsThePreviousValue() {
        let h = head(["HTTP/1.1 200 OK\r\n", "X-Long: one\r\n", "  two\r\n"])
        #expect(h.fields.first?.value == "one two")
    }

    @Test func statusLineWithoutReason_andHTTP2_areParsed() {
        #expect(head(["HTTP/1.1 409\r\n"]).status == 409)
        #expect(head(["HTTP/2 201 \r\n"]).status == 201)
    }

    @Test func lineWithoutColon_isIgnored() {
        #expect(head(["HTTP/1.1 200 OK\r\n", "garbage\r\n"]).fields.isEmpty)
    }
}
