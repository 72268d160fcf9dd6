/// Checks a file's first bytes against its declared media type (sync-v1 §10.4 rule 8).
///
/// Only the types of `Tus.allowedContentTypes` are known. ISO base media files (MP4, MOV, 3GP,
/// HEIC) are told apart by the `ftyp` box at offset 4 and its major brand; QuickTime files
/// older than `ftyp` start directly with a `moov`, `mdat`, `wide`, `free`, `skip` or `pnot` atom.
enum MagicBytes {
    /// How many leading bytes the check needs (fewer when the file is smaller).
    static let prefixLength = 64

    /// The media type without parameters, lowercased (`video/MP4; codecs=x` → `video/mp4`).
    static func essence(_ contentType: String) -> String {
        let base = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return String(base).trimmingCharacters(in: " \t").lowercased()
    }

    /// True when `prefix` (the file's first bytes) is plausible for `contentType`.
    static func matches(contentType: String, prefix: [UInt8]) -> Bool {
        switch essence(contentType) {
        case "image/jpeg": return starts(prefix, [0xFF, 0xD8, 0xFF])
        case "image/png": return starts(prefix, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        case "video/webm": return starts(prefix, [0x1A, 0x45, 0xDF, 0xA3])
        case "application/pdf": return starts(prefix, Array("%PDF-".utf8))
        case "image/heic":
            guard let brand = ftypBrand(prefix) else { return false }
            return heicBrands.contains(brand)
        case "video/quicktime":
            if let brand = ftypBrand(prefix) { return brand == "qt  " }
            return prefix.count >= 8 && quickTimeAtoms.contains(String(decoding: prefix[4..<8], as: UTF8.self))
        case "video/3gpp":
            guard let brand = ftypBrand(prefix) else { return false }
            return brand.hasPrefix("3gp")
        case "video/mp4":
            guard let brand = ftypBrand(prefix) else { return false }
            return brand != "qt  " && !brand.hasPrefix("3gp") && !heicBrands.contains(brand)
        default:
            return false
        }
    }

    private static let heicBrands: Set<String> = ["heic", "heix", "mif1", "msf1"]
    private static let quickTimeAtoms: Set<String> = ["moov", "mdat", "wide", "free", "skip", "pnot"]

    /// The major brand of an ISO base media file (`ftyp` at offset 4), or nil.
    private static func ftypBrand(_ prefix: [UInt8]) -> String? {
        guard prefix.count >= 12, prefix[4..<8].elementsEqual("ftyp".utf8) else { return nil }
        return String(decoding: prefix[8..<12], as: UTF8.self)
    }

    private static func starts(_ bytes: [UInt8], _ magic: [UInt8]) -> Bool {
        bytes.count >= magic.count && bytes[0..<magic.count].elementsEqual(magic)
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
