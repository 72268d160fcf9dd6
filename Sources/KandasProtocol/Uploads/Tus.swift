/// Fixed values of the tus 1.0 profile (sync-v1 §10).
public enum Tus {
    /// `Tus-Resumable` / `Tus-Version` value.
    public static let version = "1.0.0"
    /// `Tus-Extension` value.
    public static let extensions = "creation,checksum,expiration,termination"
    /// `Tus-Checksum-Algorithm` value.
    public static let checksumAlgorithms = "sha256,sha1"
    /// Required `Content-Type` of a PATCH.
    public static let patchContentType = "application/offset+octet-stream"
    /// Status of a checksum or whole-file digest mismatch (tus checksum extension).
    public static let checksumMismatchStatus = 460
    /// Path of the upload collection.
    public static let collectionPath = "/v1/uploads"
    /// Media types a declared file may have (sync-v1 §9.3).
    public static let allowedContentTypes: [String] = [
        "image/jpeg", "image/png", "image/heic", "video/mp4", "video/quicktime", "video/3gpp", "video/webm",
        "application/pdf",
    ]
}
