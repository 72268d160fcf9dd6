/// Where an evidence file came from.
public enum FileSource: String, Sendable, Codable, Equatable, CaseIterable {
    /// Captured in the app.
    case camera
    /// Picked from the gallery.
    case gallery
    /// Scanned in the app.
    case scan
    /// Picked from files.
    case file
}
