/// Where an evidence file is on its way to the server.
public enum UploadState: String, Sendable, Codable, Equatable, CaseIterable {
    /// Declared; no upload yet.
    case declared
    /// Upload in progress.
    case receiving
    /// All bytes received and SHA-256 verified.
    case verified
    /// Bytes did not match; upload again.
    case corrupt
    /// The upload expired; upload again.
    case expired
}
