public import Foundation
public import KandasProtocol

/// How values are shown to humans: local times, byte sizes, speeds, short IDs, masked IINs.
public struct Format: Sendable {
    /// The zone times are shown in.
    public var timeZone: TimeZone
    /// IINs in full instead of masked.
    public var showIIN: Bool

    /// Creates a formatter.
    public init(timeZone: TimeZone, showIIN: Bool) {
        self.timeZone = timeZone
        self.showIIN = showIIN
    }

    /// The last 8 hex digits of an ID, enough to type back (commands accept a unique prefix or suffix).
    ///
    /// The end of the ID is random in both version 4 and version 7 IDs; a v7 ID's first 8 digits are its
    /// timestamp, the same for every ID minted within about a minute.
    public static func short(_ id: WireID) -> String { String(id.description.suffix(8)) }

    /// `********0123` unless `--show-iin`: the first six digits are the birth date.
    public func iin(_ iin: String) -> String {
        showIIN ? iin : String(repeating: "*", count: max(0, iin.count - 4)) + String(iin.suffix(4))
    }

    /// `2026-11-20 15:30` in the local zone.
    public func time(_ timestamp: Timestamp) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: timestamp.date)
        return String(
            format: "%04d-%02d-%02d %02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
    }

    /// `0 B`, `512 B`, `1.5 KiB`, `2.3 MiB`, `1.1 GiB`.
    public static func bytes(_ count: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(count) B" : String(format: "%.1f", value) + " " + units[unit]
    }

    /// `850.0 KiB/s`.
    public static func speed(_ bytesPerSecond: Double) -> String {
        bytes(Int64(max(0, bytesPerSecond.isFinite ? bytesPerSecond : 0))) + "/s"
    }

    /// `0:07`, `12:30`, `1:02:03`; `--:--` when unknown.
    public static func eta(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0, seconds < 360_000 else { return "--:--" }
        let total = Int(seconds.rounded(.up))
        let (h, m, s) = (total / 3600, total / 60 % 60, total % 60)
        return h > 0 ? String(format: "%d:%02d:%02d", h, m, s) : String(format: "%d:%02d", m, s)
    }

    /// `0.4 s`, `12.0 s`, `3 min 5 s`.
    public static func duration(_ seconds: Double) -> String {
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        let total = Int(seconds.rounded())
        return "\(total / 60) min \(total % 60) s"
    }
}
