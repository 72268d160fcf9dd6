public import KandasClient
import KandasProtocol

/// Turns the engine's `SyncProgress` into text: a redrawn bar per upload with speed and ETA on a terminal,
/// plain lines otherwise (logs, pipes, CI).
///
/// A value type fed events and the time they arrived, so tests render a whole sync from a list of events
/// and an injected clock, with no terminal and no waiting.
public struct ProgressRenderer: Sendable {
    /// How to draw.
    public enum Style: Sendable, Equatable {
        /// Redraw one line per upload with `\r` (stdout is a TTY).
        case terminal
        /// One line per event, and per upload at 25 % steps.
        case plain
    }

    struct Upload {
        var kind: FileKind
        var size: Int64
        var startOffset: Int64
        var startTime: Double
        var fileBytes: Int64
        var lastQuarter: Int
    }

    /// The style.
    public let style: Style
    /// Width of the bar in characters.
    public var barWidth = 24
    var uploads: [WireID: Upload] = [:]
    /// Whether the terminal cursor is on a bar line that the next output must end or overwrite.
    var lineOpen = false

    /// Creates a renderer.
    public init(style: Style) { self.style = style }

    /// The text to write for `event` arriving at `now` (seconds on a monotonic clock); may be empty.
    public mutating func render(_ event: SyncProgress, at now: Double) -> String {
        switch event {
        case .pushed(let events, let total):
            return line("pushed \(events) event\(events == 1 ? "" : "s") (\(total) this sync)")
        case .pulled(let changes, let pages):
            return line("pulled \(changes) change\(changes == 1 ? "" : "s") (page \(pages))")
        case .retrying(let after, let reason):
            let seconds = Double(after.components.seconds) + Double(after.components.attoseconds) / 1e18
            return line("retrying in \(Format.duration(seconds)): \(reason)")
        case .uploadHeld(let id, let kind, let size):
            return line("held \(kind.rawValue) \(Format.short(id)) (\(Format.bytes(size))) by the network policy")
        case .uploadStarted(let id, let kind, let offset, let size):
            uploads[id] = Upload(
                kind: kind, size: size, startOffset: offset, startTime: now, fileBytes: offset,
                lastQuarter: size > 0 ? Int(offset * 4 / size) : 0)
            switch style {
            case .terminal: return bar(id, now: now)
            case .plain:
                let from = offset > 0 ? "resuming at \(Format.bytes(offset)) of" : "starting,"
                return line("upload \(kind.rawValue) \(Format.short(id)): \(from) \(Format.bytes(size))")
            }
        case .uploadProgress(let id, let fileBytes, let size, _):
            guard var upload = uploads[id] else { return "" }
            upload.fileBytes = min(fileBytes, size)
            upload.size = size
            uploads[id] = upload
            switch style {
            case .terminal: return bar(id, now: now)
            case .plain:
                let quarter = size > 0 ? Int(upload.fileBytes * 4 / size) : 0
                guard quarter > upload.lastQuarter, quarter < 4 else { return "" }
                uploads[id]?.lastQuarter = quarter
                return line(
                    "upload \(upload.kind.rawValue) \(Format.short(id)): \(quarter * 25)% "
                        + "at \(Format.speed(speed(upload, now: now)))")
            }
        case .uploadFinished(let id):
            guard var upload = uploads[id] else { return line("upload \(Format.short(id)): verified") }
            upload.fileBytes = upload.size
            uploads[id] = upload
            let elapsed = now - upload.startTime
            let summary =
                "upload \(upload.kind.rawValue) \(Format.short(id)): verified, "
                + "\(Format.bytes(upload.size - upload.startOffset)) in \(Format.duration(elapsed))"
                + " (\(Format.speed(speed(upload, now: now))))"
            uploads[id] = nil
            switch style {
            case .terminal:
                lineOpen = true
                let finalBar = barLine(upload, id: id, now: now, eta: "done")
                lineOpen = false
                return "\r\u{1B}[K" + finalBar + "\n"
            case .plain: return line(summary)
            }
        }
    }

    /// Ends an open bar line (before the summary or an error).
    public mutating func finish() -> String {
        guard lineOpen else { return "" }
        lineOpen = false
        return "\n"
    }

    /// A full line; on a terminal it first clears a bar being drawn.
    mutating func line(_ text: String) -> String {
        if style == .terminal, lineOpen {
            lineOpen = false
            return "\r\u{1B}[K" + text + "\n"
        }
        return text + "\n"
    }

    /// Redraws the bar of one upload in place.
    mutating func bar(_ id: WireID, now: Double) -> String {
        guard let upload = uploads[id] else { return "" }
        let remaining = Double(upload.size - upload.fileBytes)
        let rate = speed(upload, now: now)
        let eta = rate > 0 ? Format.eta(remaining / rate) : "--:--"
        lineOpen = true
        return "\r\u{1B}[K" + barLine(upload, id: id, now: now, eta: "ETA " + eta)
    }

    /// `photo 3f2a1b2c [==========>         ]  45%  0.9 MiB/2.0 MiB  1.2 MiB/s  ETA 0:01`
    func barLine(_ upload: Upload, id: WireID, now: Double, eta: String) -> String {
        let fraction = upload.size > 0 ? Double(upload.fileBytes) / Double(upload.size) : 1
        let filled = Int((fraction * Double(barWidth)).rounded(.down))
        let head = filled < barWidth ? ">" : ""
        let bar =
            String(repeating: "=", count: filled) + head
            + String(repeating: " ", count: max(0, barWidth - filled - head.count))
        let percent = Int((fraction * 100).rounded(.down))
        let percentText = String(repeating: " ", count: 3 - min(3, String(percent).count)) + "\(percent)%"
        return "\(upload.kind.rawValue) \(Format.short(id)) [\(bar)] \(percentText)  "
            + "\(Format.bytes(upload.fileBytes))/\(Format.bytes(upload.size))  "
            + "\(Format.speed(speed(upload, now: now)))  \(eta)"
    }

    /// Average bytes per second of this upload since it started (resumed bytes do not count).
    func speed(_ upload: Upload, now: Double) -> Double {
        let elapsed = now - upload.startTime
        guard elapsed > 0 else { return 0 }
        return Double(upload.fileBytes - upload.startOffset) / elapsed
    }
}
