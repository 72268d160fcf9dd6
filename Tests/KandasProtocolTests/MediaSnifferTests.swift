import KandasProtocol
import Testing

/// sync-v1 §10.4 rule 8, as one table: the client (at capture) and the server (after the first
/// 64 bytes of an upload) both ask ``MediaSniffer``.
struct MediaSnifferTests {
    static func ftyp(_ brand: String) -> [UInt8] { [0, 0, 0, 0x18] + Array("ftyp\(brand)".utf8) + [0, 0, 0, 0] }
    static func atom(_ name: String) -> [UInt8] { [0, 0, 0, 8] + Array(name.utf8) }

    /// The first bytes of a file, and the media type they name (nil: none of the accepted types).
    static let table: [([UInt8], String?)] = [
        ([0xFF, 0xD8, 0xFF, 0xE0], "image/jpeg"),
        ([0xFF, 0xD8, 0xFF, 0xE1], "image/jpeg"),
        ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0], "image/png"),
        (ftyp("heic"), "image/heic"),
        (ftyp("heix"), "image/heic"),
        (ftyp("mif1"), "image/heic"),
        (ftyp("msf1"), "image/heic"),
        (ftyp("isom"), "video/mp4"),
        (ftyp("mp42"), "video/mp4"),
        (ftyp("qt  "), "video/quicktime"),
        // QuickTime files older than `ftyp`: accepted on both sides (the server always has).
        (atom("moov"), "video/quicktime"),
        (atom("mdat"), "video/quicktime"),
        (atom("wide"), "video/quicktime"),
        (atom("free"), "video/quicktime"),
        (atom("skip"), "video/quicktime"),
        (atom("pnot"), "video/quicktime"),
        (ftyp("3gp4"), "video/3gpp"),
        (ftyp("3gp5"), "video/3gpp"),
        ([0x1A, 0x45, 0xDF, 0xA3, 0x9F], "video/webm"),
        (Array("%PDF-1.7".utf8), "application/pdf"),
        (Array("GIF89a".utf8), nil),
        ([0x50, 0x4B, 3, 4], nil),
        (atom("abcd"), nil),
        // Truncated: too short for the magic number.
        ([0xFF, 0xD8], nil),
        ([0x89], nil),
        ([0, 0, 0, 24] + Array("ftyp".utf8), nil),
        ([0, 0, 0, 8] + Array("moo".utf8), nil),
        ([], nil),
    ]

    @Test(arguments: table)
    func theFirstBytesNameTheMediaType(header: [UInt8], expected: String?) {
        #expect(MediaSniffer.contentType(of: header) == expected)
    }

    @Test(arguments: table)
    func aDeclaredTypeMatchesOnlyTheSniffedOne(header: [UInt8], expected: String?) {
        for declared in Tus.allowedContentTypes {
            #expect(MediaSniffer.matches(contentType: declared, header: header) == (declared == expected))
        }
    }

    @Test func parametersAndCaseOfTheDeclaredTypeAreIgnored() {
        #expect(MediaSniffer.matches(contentType: "Video/MP4; codecs=avc1", header: Self.ftyp("isom")))
        #expect(MediaSniffer.essence(" image/JPEG ;q=1") == "image/jpeg")
        #expect(!MediaSniffer.matches(contentType: "application/zip", header: [0x50, 0x4B, 3, 4]))
    }

    @Test func everyAcceptedTypeBelongsToAKind() {
        for type in Tus.allowedContentTypes { #expect(MediaSniffer.kind(of: type) != nil) }
        #expect(MediaSniffer.kind(of: "image/gif") == nil)
    }

    @Test func aDeclaredKindMustAgreeWithTheBytes() {
        #expect(MediaSniffer.allows("image/jpeg", as: .photo))
        #expect(MediaSniffer.allows("image/jpeg", as: .document))
        #expect(!MediaSniffer.allows("image/jpeg", as: .video))
        #expect(!MediaSniffer.allows("application/pdf", as: .photo))
        #expect(MediaSniffer.allows("video/webm", as: .video))
        #expect(MediaSniffer.allows("video/quicktime", as: .video))
    }
}
