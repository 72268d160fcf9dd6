import Testing

@testable import HTTPServer

@Suite struct FileResponderTests {
    @Test func singleRanges_areResolvedAgainstTheSize() {
        #expect(FileResponder.parseRange("bytes=0-9", size: 100) == .range(first: 0, last: 9))
        #expect(FileResponder.parseRange("bytes=90-", size: 100) == .range(first: 90, last: 99))
        #expect(FileResponder.parseRange("bytes=-10", size: 100) == .range(first: 90, last: 99))
        #expect(FileResponder.parseRange("bytes=-1000", size: 100) == .range(first: 0, last: 99))
        #expect(FileResponder.parseRange("bytes=50-1000", size: 100) == .range(first: 50, last: 99))
    }

    @Test func unsatisfiableRanges_are416() {
        #expect(FileResponder.parseRange("bytes=100-", size: 100) == .unsatisfiable)
        #expect(FileResponder.parseRange("bytes=-0", size: 100) == .unsatisfiable)
        #expect(FileResponder.parseRange("bytes=0-0", size: 0) == .unsatisfiable)
    }

    @Test func multipleOrInvalidRanges_areIgnored() {
        #expect(FileResponder.parseRange("bytes=0-1,5-6", size: 100) == .ignore)
        #expect(FileResponder.parseRange("bytes=9-1", size: 100) == .ignore)
        #expect(FileResponder.parseRange("items=0-1", size: 100) == .ignore)
        #expect(FileResponder.parseRange("bytes=a-b", size: 100) == .ignore)
    }

    @Test func ifRange_mustMatchExactly() {
        #expect(FileResponder.ifRangeMatches(nil, etag: "\"a\"", lastModified: "d"))
        #expect(FileResponder.ifRangeMatches("\"a\"", etag: "\"a\"", lastModified: "d"))
        #expect(!FileResponder.ifRangeMatches("W/\"a\"", etag: "\"a\"", lastModified: "d"))
        #expect(FileResponder.ifRangeMatches("d", etag: "\"a\"", lastModified: "d"))
        #expect(!FileResponder.ifRangeMatches("\"b\"", etag: "\"a\"", lastModified: "d"))
    }

    @Test func httpDate_isIMFFixdate() {
        #expect(HTTPDate.format(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
    }
}
