public import KandasProtocol

/// Recognises the accepted evidence types from their first bytes, as the server does (sync-v1 §10.4 rule 8).
///
/// The client checks before recording so a wrong or unsupported file is refused at capture, where
/// the worker can still fix it, instead of being marked corrupt by the server days later.
public enum ContentSniffer {
    /// How many leading bytes the sniffer needs.
    public static let headerLength = 64

    /// The media type the bytes start with, or `nil` when they are none of the accepted types.
    public static func contentType(of header: [UInt8]) -> String? {
        func starts(_ magic: [UInt8], at offset: Int = 0) -> Bool {
            header.count >= offset + magic.count && Array(header[offset..<(offset + magic.count)]) == magic
        }
        if starts([0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if starts([0x1A, 0x45, 0xDF, 0xA3]) { return "video/webm" }
        if starts(Array("%PDF-".utf8)) { return "application/pdf" }
        if starts(Array("ftyp".utf8), at: 4), header.count >= 12 {
            let brand = String(decoding: header[8..<12], as: UTF8.self)
            switch brand {
            case "heic", "heix", "mif1", "msf1": return "image/heic"
            case "qt  ": return "video/quicktime"
            default: return brand.hasPrefix("3gp") ? "video/3gpp" : "video/mp4"
            }
        }
        return nil
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
}
