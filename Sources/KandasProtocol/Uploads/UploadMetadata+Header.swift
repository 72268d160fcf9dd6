public import Foundation

extension UploadMetadata {
    /// Parses a tus `Upload-Metadata` header: comma-separated `key base64value` pairs.
    ///
    /// Keys other than the protocol's are ignored: stock tus clients add their own (`filetype`,
    /// `name`). A key may appear without a value (tus allows it); the protocol's keys need one.
    /// - Throws: `ProtocolError` (`invalid_field` / `missing_field`, pointer `header:Upload-Metadata/<key>`).
    public init(header: String) throws(ProtocolError) {
        var pairs: [String: String] = [:]
        for item in header.split(separator: ",") {
            let parts = item.trimmingCharacters(in: .whitespaces).split(separator: " ", omittingEmptySubsequences: true)
            guard let key = parts.first, parts.count <= 2 else {
                throw ProtocolError(.invalidField, pointer: Self.pointer(""), detail: "malformed Upload-Metadata pair")
            }
            guard pairs[String(key)] == nil else {
                throw ProtocolError(.invalidField, pointer: Self.pointer(String(key)), detail: "key repeated")
            }
            if parts.count == 2 {
                guard let data = Data(base64Encoded: String(parts[1])), let value = String(data: data, encoding: .utf8)
                else {
                    throw ProtocolError(
                        .invalidField, pointer: Self.pointer(String(key)), detail: "value is not base64 UTF-8")
                }
                pairs[String(key)] = value
            } else {
                pairs[String(key)] = ""
            }
        }
        func required(_ key: String) throws(ProtocolError) -> String {
            guard let value = pairs[key], !value.isEmpty else {
                throw ProtocolError(.missingField, pointer: Self.pointer(key), detail: "required metadata key")
            }
            return value
        }
        guard let attachmentID = WireID(try required("attachment_id")) else {
            throw ProtocolError(
                .invalidField, pointer: Self.pointer("attachment_id"), detail: "expected a lowercase UUID")
        }
        let sha256 = try required("sha256")
        guard sha256.utf8.count == 64,
            sha256.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else {
            throw ProtocolError(.invalidField, pointer: Self.pointer("sha256"), detail: "expected 64 lowercase hex")
        }
        guard let kind = FileKind(rawValue: try required("kind")) else {
            throw ProtocolError(
                .invalidField, pointer: Self.pointer("kind"), detail: "expected photo, video or document")
        }
        let filename = pairs["filename"].flatMap { $0.isEmpty ? nil : $0 }
        self.init(
            attachmentID: attachmentID, sha256: sha256, contentType: try required("content_type"), kind: kind,
            filename: filename)
    }

    /// The `Upload-Metadata` header value, keys in a fixed order.
    public var headerValue: String {
        var pairs = [
            ("attachment_id", attachmentID.description), ("sha256", sha256), ("content_type", contentType),
            ("kind", kind.rawValue),
        ]
        if let filename { pairs.append(("filename", filename)) }
        return pairs.map { $0.0 + " " + Data($0.1.utf8).base64EncodedString() }.joined(separator: ",")
    }

    static func pointer(_ key: String) -> String {
        "header:" + HeaderName.uploadMetadata + (key.isEmpty ? "" : "/" + key)
    }
}
