/// The kind of an evidence file.
public enum FileKind: String, Sendable, Codable, Equatable, CaseIterable {
    /// A photo.
    case photo
    /// A video.
    case video
    /// A document scan or file.
    case document
}
