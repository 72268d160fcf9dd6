import Foundation
import Glibc
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

    @Test func handlerETag_isKept_andDecidesIfRangeAndIfNoneMatch() throws {
        let path = NSTemporaryDirectory() + "file-responder-\(UUID().uuidString)"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(repeating: 7, count: 100)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var response = HTTPResponse(status: .ok, body: .file(path: path, contentType: "image/jpeg"))
        response.headers["ETag"] = "\"abc\""
        func prepare(_ headers: [(String, String)]) -> PreparedResponse {
            var h = HTTPHeaders()
            for (name, value) in headers { h.add(name, value) }
            let request = HTTPRequest(method: .get, target: "/f", path: "/f", headers: h)
            let prepared = FileResponder.prepare(
                path: path, contentType: "image/jpeg", response: response, request: request)
            if case .file(let fd, _, _) = prepared.body { close(fd) }
            return prepared
        }
        #expect(prepare([]).headers["ETag"] == "\"abc\"")
        #expect(prepare([("Range", "bytes=0-9"), ("If-Range", "\"abc\"")]).status == .partialContent)
        #expect(prepare([("Range", "bytes=0-9"), ("If-Range", "\"other\"")]).status == .ok)
        #expect(prepare([("If-None-Match", "\"abc\"")]).status == .notModified)
    }
}
