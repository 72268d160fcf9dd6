/// What a start-up recovery or a sweep did, for logs and tests.
public struct MaintenanceReport: Sendable, Equatable {
    /// Partial files cut back to their committed offset (bytes written but never acknowledged).
    public var truncatedFiles = 0
    /// Bytes removed by those truncations.
    public var truncatedBytes: Int64 = 0
    /// Receiving uploads whose partial file was shorter than the committed offset (marked corrupt).
    public var corruptFiles = 0
    /// Uploads that passed their `Upload-Expires` and were closed.
    public var expiredUploads = 0
    /// Partial files with no receiving upload, removed.
    public var orphanFiles = 0
    /// Expired or corrupt uploads forgotten after the tombstone period (now 404).
    public var purgedUploads = 0
    /// Multipart uploads in the object store that no receiving upload named, aborted.
    public var abortedMultipartUploads = 0

    public init() {}
}
