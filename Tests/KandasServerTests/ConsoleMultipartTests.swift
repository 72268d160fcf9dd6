import Testing

@testable import KandasServer

/// The console's one file form (the signed consent, Rules 2 Annex 2): `multipart/form-data`
/// decoding with limits (RFC 7578, RFC 2046 §5.1.1).
struct ConsoleMultipartTests {
    static func body(_ parts: [String], boundary: String = "XyZ") -> [UInt8] {
        Array((parts.map { "--\(boundary)\r\n" + $0 + "\r\n" }.joined() + "--\(boundary)--\r\n").utf8)
    }

    @Test func fieldsAndAFile_areDecoded_withTheFilesBytesExact() throws {
        let boundary = try #require(
            ConsoleMultipart.boundary(contentType: "multipart/form-data; boundary=\"XyZ\""))
        let body = Self.body([
            "Content-Disposition: form-data; name=\"csrf\"\r\n\r\ntoken",
            "Content-Disposition: form-data; name=\"form\"; filename=\"scan.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\r\n--X\r\n%%EOF",
        ])
        let (fields, files) = try #require(ConsoleMultipart.decode(body, boundary: boundary))
        #expect(fields["csrf"] == "token")
        #expect(files["form"]?.fileName == "scan.pdf" && files["form"]?.contentType == "application/pdf")
        #expect(files["form"]?.bytes == Array("%PDF-1.4\r\n--X\r\n%%EOF".utf8))
    }

    @Test func malformedBodies_decodeToNothing() {
        #expect(ConsoleMultipart.boundary(contentType: "application/x-www-form-urlencoded") == nil)
        #expect(ConsoleMultipart.boundary(contentType: "multipart/form-data") == nil)
        // No closing delimiter, a part without a name, too many parts.
        #expect(
            ConsoleMultipart.decode(
                Array("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx".utf8), boundary: "XyZ") == nil)
        #expect(ConsoleMultipart.decode(Self.body(["Content-Disposition: form-data\r\n\r\nx"]), boundary: "XyZ") == nil)
        let many = (0..<17).map { "Content-Disposition: form-data; name=\"f\($0)\"\r\n\r\nv" }
        #expect(ConsoleMultipart.decode(Self.body(many), boundary: "XyZ") == nil)
    }
}
