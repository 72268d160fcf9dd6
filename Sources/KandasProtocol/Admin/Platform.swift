/// The platform a device runs on.
public enum Platform: String, Sendable, Codable, Equatable, CaseIterable {
    /// Android phone or tablet.
    case android
    /// iPhone or iPad.
    case ios
    /// Linux.
    case linux
    /// macOS.
    case macos
    /// Windows.
    case windows
    /// The `kandas` command-line client.
    case cli
}
