import Foundation

/// The server's notion of "now", in milliseconds since 1970.
///
/// Production reads the system clock. Tests may name a file holding an offset in seconds
/// (`--test-clock-file`); it is read on every call so a test can move time forward (expire a
/// session, leave a refresh grace window) without waiting and without timing thresholds.
struct ServerClock: Sendable {
    var offsetFile: String?

    func now() -> Int64 {
        let system = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        guard let offsetFile, let text = try? String(contentsOfFile: offsetFile, encoding: .utf8),
            let seconds = Int64(text.trimmingCharacters(in: .whitespacesAndNewlines))
        else { return system }
        return system + seconds * 1000
    }
}
