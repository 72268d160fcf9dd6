import Testing

@testable import KandasServer

struct CSVParserTests {
    @Test func quotedFields_keepCommasQuotesAndNewlines() throws {
        let records = try CSVParser.parse(Array("a,\"b,c\",\"say \"\"hi\"\"\"\r\n\"multi\nline\",,x\n".utf8))
        #expect(records == [["a", "b,c", "say \"hi\""], ["multi\nline", "", "x"]])
    }

    @Test func bom_andMissingFinalNewline_areAccepted() throws {
        #expect(try CSVParser.parse([0xEF, 0xBB, 0xBF] + Array("h1,h2\n1,2".utf8)) == [["h1", "h2"], ["1", "2"]])
    }

    @Test(arguments: ["\"open", "a\"b", "\"x\"y"])
    func malformedQuotes_areErrors(text: String) {
        #expect(throws: CSVParser.Failure.self) { try CSVParser.parse(Array(text.utf8)) }
    }
}
