import Foundation
import KandasProtocol

/// Field checks shared by admin handlers; each failure names its JSON pointer.
enum Validation {
    /// A required text: trimmed non-empty, at most `max` characters, no control characters.
    static func text(_ value: String, _ pointer: String, max: Int = 200) throws(ServerError) {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, value.count <= max, !value.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
            throw ServerError.field(.invalidField, pointer, "1-\(max) characters without control characters")
        }
    }

    static func optionalText(_ value: String?, _ pointer: String, max: Int = 500) throws(ServerError) {
        if let value { try text(value, pointer, max: max) }
    }

    /// The stale-version check of Protocol §1.4.
    static func version(_ sent: Int, current: Int) throws(ServerError) {
        guard sent == current else {
            throw ServerError(.conflict, "stale version \(sent); current version is \(current)")
        }
    }

    static func coordinates(_ s: Settlement, _ pointer: String) throws(ServerError) {
        try text(s.name, pointer + "/name")
        if let lat = s.latitude, !(lat >= -90 && lat <= 90) {
            throw ServerError.field(.invalidField, pointer + "/latitude", "latitude must be within ±90")
        }
        if let lon = s.longitude, !(lon >= -180 && lon <= 180) {
            throw ServerError.field(.invalidField, pointer + "/longitude", "longitude must be within ±180")
        }
        guard (s.latitude == nil) == (s.longitude == nil) else {
            throw ServerError.field(.invalidField, pointer, "latitude and longitude go together")
        }
    }
}

/// Runs a check and appends its field errors instead of stopping at the first one.
func collect(_ errors: inout [FieldError], _ check: () throws -> Void) {
    do {
        try check()
    } catch let error as ServerError {
        errors +=
            error.errors.isEmpty
            ? [FieldError(pointer: "", code: error.code, detail: error.detail)] : error.errors
    } catch {
        errors.append(FieldError(pointer: "", code: .invalidField, detail: "invalid value"))
    }
}
