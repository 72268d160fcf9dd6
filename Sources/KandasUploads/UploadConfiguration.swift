public import KandasProtocol

/// Where uploads live and the limits they obey (sync-v1 §10, §16).
///
/// Built from the published ``KandasProtocol/Limits`` so that what `OPTIONS` and `GET /v1/limits`
/// announce is what the server enforces.
public struct UploadConfiguration: Sendable {
    /// The server's data folder: partial files go to `<data>/uploads/partial`, blobs to `<data>/blobs`.
    public var dataDirectory: String
    /// Largest file (`Tus-Max-Size`).
    public var maxFileBytes: Int64
    /// Largest PATCH body.
    public var maxChunkBytes: Int64
    /// Chunk size announced to clients (`Kandas-Recommended-Chunk-Size`).
    public var recommendedChunkBytes: Int64
    /// Unfinished uploads one owner may have (429 `rate_limited` beyond).
    public var maxOpenUploadsPerOwner: Int
    /// Sliding expiry after the last PATCH, in seconds.
    public var expirySeconds: Int64
    /// Absolute expiry after creation, in seconds.
    public var maxAgeSeconds: Int64
    /// How long expired and corrupt uploads are still answered with 410 before they are
    /// forgotten (404), in seconds.
    public var tombstoneSeconds: Int64

    /// A configuration with the published limits.
    public init(dataDirectory: String, limits: Limits = .default) {
        self.dataDirectory = dataDirectory
        maxFileBytes = Int64(limits.maxFileBytes)
        maxChunkBytes = Int64(limits.maxChunkBytes)
        recommendedChunkBytes = Int64(limits.recommendedChunkBytes)
        maxOpenUploadsPerOwner = limits.maxOpenUploadsPerDevice
        expirySeconds = Int64(limits.uploadExpirySeconds)
        maxAgeSeconds = Int64(limits.uploadMaxAgeSeconds)
        tombstoneSeconds = Int64(limits.uploadMaxAgeSeconds)
    }

    /// `<data>/uploads/partial`.
    public var partialDirectory: String { dataDirectory + "/uploads/partial" }
    /// `<data>/blobs`.
    public var blobDirectory: String { dataDirectory + "/blobs" }
}
