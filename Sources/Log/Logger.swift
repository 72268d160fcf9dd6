public import Foundation
import Synchronization

/// A structured logger: a value type carrying a label and metadata, writing JSON lines to a sink.
///
/// Libraries take a `Logger` and never create one. Keys are dotted (`http.status`,
/// `sync.device_seq`). Never log secrets, tokens or personal data (IIN, names): log IDs instead.
public struct Logger: Sendable {
    /// Severity, ordered from the most verbose.
    public enum Level: Int, Sendable, Comparable, CaseIterable, CustomStringConvertible {
        case trace, debug, info, notice, warning, error, critical

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }

        public var description: String {
            switch self {
            case .trace: "trace"
            case .debug: "debug"
            case .info: "info"
            case .notice: "notice"
            case .warning: "warning"
            case .error: "error"
            case .critical: "critical"
            }
        }

        /// Parses a level name as written in settings (`info`, `WARNING`).
        public init?(name: String) {
            guard let level = Level.allCases.first(where: { $0.description == name.lowercased() }) else { return nil }
            self = level
        }
    }

    /// A metadata value: strings, numbers and booleans, kept typed for JSON.
    public enum Value: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
        ExpressibleByBooleanLiteral, ExpressibleByFloatLiteral, CustomStringConvertible
    {
        case string(String)
        case int(Int64)
        case double(Double)
        case bool(Bool)

        public init(stringLiteral value: String) { self = .string(value) }
        public init(integerLiteral value: Int64) { self = .int(value) }
        public init(booleanLiteral value: Bool) { self = .bool(value) }
        public init(floatLiteral value: Double) { self = .double(value) }

        public var description: String {
            switch self {
            case .string(let s): s
            case .int(let i): String(i)
            case .double(let d): String(d)
            case .bool(let b): String(b)
            }
        }
    }

    public typealias Metadata = [String: Value]

    public var label: String
    public var level: Level
    public var metadata: Metadata
    public let sink: any LogSink

    public init(label: String, level: Level = .info, metadata: Metadata = [:], sink: any LogSink = StderrLogSink.shared)
    {
        self.label = label
        self.level = level
        self.metadata = metadata
        self.sink = sink
    }

    /// Metadata attached to every record this logger writes.
    public subscript(metadataKey key: String) -> Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// A copy with extra metadata, for a request or a connection.
    public func with(_ extra: Metadata) -> Logger {
        var copy = self
        copy.metadata.merge(extra) { _, new in new }
        return copy
    }

    public func log(_ level: Level, _ message: @autoclosure () -> String, _ extra: Metadata = [:]) {
        guard level >= self.level else { return }
        var all = metadata
        if !extra.isEmpty { all.merge(extra) { _, new in new } }
        sink.write(LogRecord(time: Date(), level: level, label: label, message: message(), metadata: all))
    }

    public func trace(_ message: @autoclosure () -> String, _ extra: Metadata = [:]) { log(.trace, message(), extra) }
    public func debug(_ message: @autoclosure () -> String, _ extra: Metadata = [:]) { log(.debug, message(), extra) }
    public func info(_ message: @autoclosure () -> String, _ extra: Metadata = [:]) { log(.info, message(), extra) }
    public func notice(_ message: @autoclosure () -> String, _ extra: Metadata = [:]) { log(.notice, message(), extra) }
    public func warning(_ message: @autoclosure () -> String, _ extra: Metadata = [:]) {
        log(.warning, message(), extra)
    }
    public func error(_ message: @autoclosure () -> String, _ extra: Metadata = [:]) { log(.error, message(), extra) }
    public func critical(_ message: @autoclosure () -> String, _ extra: Metadata = [:]) {
        log(.critical, message(), extra)
    }

    /// A logger that drops everything (tests, benchmarks).
    public static var disabled: Logger { Logger(label: "disabled", level: .critical, sink: NullLogSink()) }
}

/// One log record before rendering.
public struct LogRecord: Sendable {
    public var time: Date
    public var level: Logger.Level
    public var label: String
    public var message: String
    public var metadata: Logger.Metadata

    /// Renders the record as one JSON line (no trailing newline), keys sorted for stable output.
    public func jsonLine() -> String {
        var out = "{\"ts\":\"" + LogRecord.timestamp(time) + "\",\"level\":\"\(level)\",\"logger\":"
        LogRecord.appendQuoted(label, to: &out)
        out += ",\"msg\":"
        LogRecord.appendQuoted(message, to: &out)
        for key in metadata.keys.sorted() {
            out += ","
            LogRecord.appendQuoted(key, to: &out)
            out += ":"
            switch metadata[key]! {
            case .string(let s): LogRecord.appendQuoted(s, to: &out)
            case .int(let i): out += String(i)
            case .double(let d): out += d.isFinite ? String(d) : "null"
            case .bool(let b): out += b ? "true" : "false"
            }
        }
        out += "}"
        return out
    }

    static func timestamp(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var t = time_t(millis / 1000)
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(millis % 1000))
    }

    static func appendQuoted(_ s: String, to out: inout String) { JSONText.appendQuoted(s, to: &out) }
}

/// Where records go. Implementations must be safe to call from any thread.
public protocol LogSink: Sendable {
    func write(_ record: LogRecord)
}

/// Writes JSON lines to standard error, one `write(2)` per record so lines never interleave.
public final class StderrLogSink: LogSink {
    public static let shared = StderrLogSink()
    public init() {}
    public func write(_ record: LogRecord) {
        let line = record.jsonLine() + "\n"
        var bytes = Array(line.utf8)
        bytes.withUnsafeMutableBytes { buf in
            var off = 0
            while off < buf.count {
                let n = Foundation.write(2, buf.baseAddress! + off, buf.count - off)
                if n < 0 {
                    if errno == EINTR { continue }
                    return
                }
                off += n
            }
        }
    }
}

/// Drops every record.
public struct NullLogSink: LogSink {
    public init() {}
    public func write(_ record: LogRecord) {}
}

/// Keeps records in memory, for tests that assert what was (and was not) logged.
public final class MemoryLogSink: LogSink {
    private let storage = Mutex<[LogRecord]>([])
    public init() {}
    public func write(_ record: LogRecord) { storage.withLock { $0.append(record) } }
    public var records: [LogRecord] { storage.withLock { $0 } }
}

/// JSON string literals for code that writes JSON by hand (log lines, problem bodies) where a
/// Codable round trip would cost more than the message.
public enum JSONText {
    /// Appends `s` as a quoted JSON string (RFC 8259 §7): quotes, backslashes and control
    /// characters escaped; everything else as UTF-8.
    public static func appendQuoted(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
