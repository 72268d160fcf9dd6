import Testing

@testable import KandasUploads

struct MagicBytesTests {
    static func ftyp(_ brand: String) -> [UInt8] { [0, 0, 0, 0x18] + Array("ftyp\(brand)".utf8) + [0, 0, 0, 0] }

    @Test(arguments: [
        ("image/jpeg", [0xFF, 0xD8, 0xFF, 0xE0] as [UInt8], true),
        ("image/jpeg", [0x89, 0x50, 0x4E, 0x47], false),
        ("image/png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0], true),
        ("image/heic", ftyp("heic"), true),
        ("image/heic", ftyp("mif1"), true),
        ("image/heic", ftyp("isom"), false),
        ("video/mp4", ftyp("isom"), true),
        ("video/mp4", ftyp("mp42"), true),
        ("video/mp4", ftyp("qt  "), false),
        ("video/quicktime", ftyp("qt  "), true),
        ("video/quicktime", [0, 0, 0, 8] + Array("moov".utf8), true),
        ("video/quicktime", [0, 0, 0, 8] + Array("mdat".utf8), true),
        ("video/3gpp", ftyp("3gp4"), true),
        ("video/3gpp", ftyp("isom"), false),
        ("video/webm", [0x1A, 0x45, 0xDF, 0xA3, 0x9F], true),
        ("application/pdf", Array("%PDF-1.7".utf8), true),
        ("video/mp4", Array("%PDF-1.7 and more bytes".utf8), false),
        ("Video/MP4; codecs=avc1", ftyp("isom"), true),
        ("application/zip", [0x50, 0x4B, 3, 4], false),
        ("image/png", [0x89], false),
    ])
    func declaredType_isCheckedAgainstMagicBytes(type: String, prefix: [UInt8], expected: Bool) {
        #expect(MagicBytes.matches(contentType: type, prefix: prefix) == expected)
    }
}
