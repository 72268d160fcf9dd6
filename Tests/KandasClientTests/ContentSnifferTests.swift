import Testing

@testable import KandasClient

private let ftyp: [UInt8] = [0, 0, 0, 24] + Array("ftyp".utf8)
private let magicCases: [([UInt8], String)] = [
    ([0xFF, 0xD8, 0xFF, 0xE1], "image/jpeg"),
    ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "image/png"),
    (ftyp + Array("heic".utf8), "image/heic"),
    (ftyp + Array("mif1".utf8), "image/heic"),
    (ftyp + Array("qt  ".utf8), "video/quicktime"),
    (ftyp + Array("3gp5".utf8), "video/3gpp"),
    (ftyp + Array("isom".utf8), "video/mp4"),
    ([0x1A, 0x45, 0xDF, 0xA3], "video/webm"),
    (Array("%PDF-1.4".utf8), "application/pdf"),
]

@Test(arguments: magicCases)
func magicBytes_nameTheContentType(header: [UInt8], expected: String) {
    #expect(ContentSniffer.contentType(of: header) == expected)
}

@Test func unknownOrTruncatedBytes_areNotAcceptedTypes() {
    #expect(ContentSniffer.contentType(of: Array("GIF89a".utf8)) == nil)
    #expect(ContentSniffer.contentType(of: [0xFF, 0xD8]) == nil)
    #expect(ContentSniffer.contentType(of: [0, 0, 0, 24] + Array("ftyp".utf8)) == nil)
}

@Test func declaredKind_mustAgreeWithTheBytes() {
    #expect(ContentSniffer.allows("image/jpeg", as: .photo))
    #expect(ContentSniffer.allows("image/jpeg", as: .document))
    #expect(!ContentSniffer.allows("image/jpeg", as: .video))
    #expect(!ContentSniffer.allows("application/pdf", as: .photo))
    #expect(ContentSniffer.allows("video/webm", as: .video))
}
