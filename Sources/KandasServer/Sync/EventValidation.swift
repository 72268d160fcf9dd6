import KandasProtocol

/// Payload checks that reject one event with `invalid_payload` (Protocol §6.1, §9.2-§9.3, §16).
enum EventValidation {
    static let contentTypes: Set<String> = [
        "image/jpeg", "image/png", "image/heic", "video/mp4", "video/quicktime", "video/3gpp", "video/webm",
        "application/pdf",
    ]
    static let maxNote = TextLimits.maxNoteChars
    static let maxFiles = 50
    static let maxFileBytes = 4 << 30

    /// A rejection: the stable event code and the detail naming the JSON Pointer.
    struct Rejection: Error {
        var code: ErrorCode
        var detail: String
        init(_ code: ErrorCode, _ detail: String) {
            self.code = code
            self.detail = detail
        }
    }

    static func note(_ note: String?, _ pointer: String) throws(Rejection) {
        if let note, note.count > maxNote {
            throw Rejection(.invalidPayload, "\(pointer): at most \(maxNote) characters")
        }
        try text(note, pointer)
    }

    /// Free text (a note, a reason, a comment) may hold any character but U+0000, which neither
    /// engine's text keeps the same way (PostgreSQL `text` cannot hold it at all).
    static func text(_ text: String?, _ pointer: String) throws(Rejection) {
        if let text, text.utf8.contains(0) {
            throw Rejection(.invalidPayload, "\(pointer): must not contain U+0000")
        }
    }

    static func location(_ g: Geolocation?, _ pointer: String) throws(Rejection) {
        guard let g else { return }
        guard (-90...90).contains(g.latitude), (-180...180).contains(g.longitude), g.accuracyMeters >= 0,
            g.accuracyMeters.isFinite, g.altitudeMeters?.isFinite ?? true
        else { throw Rejection(.invalidPayload, "\(pointer): coordinates or accuracy out of range") }
    }

    static func files(_ files: [DeclaredFile], _ pointer: String) throws(Rejection) {
        guard files.count <= maxFiles else { throw Rejection(.invalidPayload, "\(pointer): at most \(maxFiles) files") }
        var seen: Set<WireID> = []
        for (i, f) in files.enumerated() {
            let p = "\(pointer)/\(i)"
            guard seen.insert(f.attachmentID).inserted else {
                throw Rejection(.invalidPayload, "\(p)/attachment_id: repeated in the event")
            }
            guard contentTypes.contains(f.contentType) else {
                throw Rejection(.invalidPayload, "\(p)/content_type: not an allowed type")
            }
            guard (1...maxFileBytes).contains(f.size) else {
                throw Rejection(.invalidPayload, "\(p)/size: 1 byte to 4 GiB")
            }
            guard f.sha256.utf8.count == 64,
                f.sha256.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
            else { throw Rejection(.invalidPayload, "\(p)/sha256: 64 lowercase hex characters") }
            if let name = f.fileName,
                !(1...TextLimits.maxFileNameChars).contains(name.count) || !TextLimits.isOneLine(name)
            {
                throw Rejection(
                    .invalidPayload,
                    "\(p)/file_name: 1-\(TextLimits.maxFileNameChars) characters without control characters")
            }
            try location(f.location, "\(p)/location")
        }
    }
}
