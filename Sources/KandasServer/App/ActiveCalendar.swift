import Foundation
import KandasDomain
import SystemKit

/// The working-day calendar the server counts deadlines on (Protocol/calendar.md): the built-in
/// Kazakhstan one unless `--calendar FILE` (`KANDAS_CALENDAR`) loaded an operator's document at start-up.
enum ActiveCalendar {
    /// Read on many requests: a parking lock, not a spinning `Mutex`.
    private static let storage = ParkingLock<WorkCalendar>(.kazakhstan)

    /// The calendar in force.
    static var current: WorkCalendar { storage.withLock { $0 } }

    /// Deadlines on the calendar in force.
    static var deadlines: Deadlines { Deadlines(calendar: current) }

    /// Replaces the calendar (start-up only).
    static func use(_ calendar: WorkCalendar) { storage.withLock { $0 = calendar } }

    /// Loads and validates a calendar document.
    ///
    /// - Throws: ``CommandError`` exit 1 when the file cannot be read; exit 64 (a bad setting) with
    ///   `FILE:LINE: reason` when it is not valid JSON or not a valid `kandas-work-calendar/1` document.
    static func load(path: String) throws(CommandError) -> WorkCalendar {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CommandError.failure("cannot read calendar \(path): \(error.localizedDescription)")
        }
        let text = String(decoding: data, as: UTF8.self)
        do {
            _ = try JSONSerialization.jsonObject(with: data)
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            let line = Self.lineNumber(in: detail) ?? 1
            throw CommandError.usage("calendar \(path):\(line): not valid JSON: \(detail)")
        }
        do {
            return try WorkCalendar(json: data)
        } catch {
            guard case .invalidCalendar(let reason) = error else {
                throw CommandError.usage("calendar \(path): \(error)")
            }
            throw CommandError.usage("calendar \(path):\(line(of: reason, in: text)): \(reason)")
        }
    }

    /// "around line N" in a parser's message.
    static func lineNumber(in message: String) -> Int? {
        guard let range = message.range(of: #"line [0-9]+"#, options: .regularExpression) else { return nil }
        return Int(message[range].dropFirst(5))
    }

    /// The line a validation reason points at: the last line holding a date it names (a duplicate is
    /// the second one), else the line of a key or holiday name it names, else 1.
    static func line(of reason: String, in text: String) -> Int {
        let lines = text.components(separatedBy: "\n")
        var needles: [String] = []
        if let r = reason.range(of: #"[0-9]{4}-[0-9]{2}-[0-9]{2}"#, options: .regularExpression) {
            needles.append("\"" + reason[r] + "\"")
        }
        for key in ["schema", "weekend", "firstYear", "lastYear", "annualHolidays", "datedHolidays", "transfers"]
        where reason.contains(key) {
            needles.append("\"" + key + "\"")
        }
        if let r = reason.range(of: #"annual holiday .+ has no valid"#, options: .regularExpression) {
            let name = reason[r].dropFirst("annual holiday ".count).dropLast(" has no valid".count)
            needles.append("\"" + name + "\"")
        }
        if let r = reason.range(of: #"two annual holidays on [0-9]+/[0-9]+"#, options: .regularExpression) {
            let parts = reason[r].dropFirst("two annual holidays on ".count).split(separator: "/")
            if parts.count == 2 { needles.append("\"day\": \(parts[1])") }
        }
        for needle in needles {
            if let index = lines.lastIndex(where: { $0.contains(needle) }) { return index + 1 }
        }
        return 1
    }
}
