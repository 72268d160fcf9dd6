/// The one implementation of sync-v1 §10.4 rule 8: a file's media type from its first bytes.
///
/// The server checks a tus upload's first bytes against the declared `contentType` with it; the
/// client checks a file before recording it, so a wrong or unsupported file is refused at capture
/// (where the worker can still fix it) rather than marked corrupt by the server days later. Both
/// sides use this type, so they cannot disagree.
///
/// The rules, in order (the first that matches names the type):
/// 1. JPEG `FF D8 FF`; PNG `89 50 4E 47 0D 0A 1A 0A`; WebM `1A 45 DF A3`; PDF `%PDF-`.
/// 2. ISO base media (`ftyp` at offset 4), by its major brand: `heic`/`heix`/`mif1`/`msf1` HEIC,
///    `qt  ` QuickTime, `3gp*` 3GPP, any other MP4.
/// 3. QuickTime files older than `ftyp`, which start directly with a `moov`, `mdat`, `wide`,
///    `free`, `skip` or `pnot` atom at offset 4 (old cameras and phones still write them).
public enum MediaSniffer {
    /// How many leading bytes the sniffer needs (fewer when the file is smaller).
    public static let headerLength = 64

    /// The media type the bytes start with, or `nil` when they are none of the accepted types
    /// (`Tus.allowedContentTypes`).
    public static func contentType(of header: [UInt8]) -> String? {
        if starts(header, [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if starts(header, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if starts(header, [0x1A, 0x45, 0xDF, 0xA3]) { return "video/webm" }
        if starts(header, Array("%PDF-".utf8)) { return "application/pdf" }
        if let brand = ftypBrand(header) {
            if heicBrands.contains(brand) { return "image/heic" }
            if brand == "qt  " { return "video/quicktime" }
            return brand.hasPrefix("3gp") ? "video/3gpp" : "video/mp4"
        }
        if header.count >= 8 && quickTimeAtoms.contains(String(decoding: header[4..<8], as: UTF8.self)) {
            return "video/quicktime"
        }
        return nil
    }

    /// Whether `header` (the file's first bytes) is a file of the declared `contentType`
    /// (parameters and case ignored: `Video/MP4; codecs=avc1` is `video/mp4`).
    public static func matches(contentType: String, header: [UInt8]) -> Bool {
        guard let sniffed = self.contentType(of: header) else { return false }
        return sniffed == essence(contentType)
    }

    /// The media type without parameters, lowercased (`video/MP4; codecs=x` → `video/mp4`).
    public static func essence(_ contentType: String) -> String {
        let base = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        var s = Substring(base)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return s.lowercased()
    }

    /// The evidence kind a media type belongs to (a PDF is a document; images photos; the rest videos).
    public static func kind(of contentType: String) -> FileKind? {
        switch contentType {
        case "image/jpeg", "image/png", "image/heic": .photo
        case "video/mp4", "video/quicktime", "video/3gpp", "video/webm": .video
        case "application/pdf": .document
        default: nil
        }
    }

    /// Whether a file of `contentType` may be declared as `kind`.
    ///
    /// A photographed or scanned document (JPEG, PNG, HEIC) may be declared as a `document` too.
    public static func allows(_ contentType: String, as kind: FileKind) -> Bool {
        guard let natural = self.kind(of: contentType) else { return false }
        return natural == kind || (kind == .document && natural == .photo)
    }

    private static let heicBrands: Set<String> = ["heic", "heix", "mif1", "msf1"]
    private static let quickTimeAtoms: Set<String> = ["moov", "mdat", "wide", "free", "skip", "pnot"]

    /// The major brand of an ISO base media file (`ftyp` at offset 4), or nil.
    private static func ftypBrand(_ header: [UInt8]) -> String? {
        guard header.count >= 12, header[4..<8].elementsEqual("ftyp".utf8) else { return nil }
        return String(decoding: header[8..<12], as: UTF8.self)
    }

    private static func starts(_ bytes: [UInt8], _ magic: [UInt8]) -> Bool {
        bytes.count >= magic.count && bytes[0..<magic.count].elementsEqual(magic)
    }
}
