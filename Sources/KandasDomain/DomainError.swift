/// The one error type of KandasDomain: every bad input gets a stable ``code`` and a detail.
///
/// Errors never carry the rejected IIN itself (it is personal data and errors end up in
/// logs); they carry positions, expected digits and the like, which is enough to debug.
public enum DomainError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An IIN failed validation; the nested reason says which rule.
    case iin(IINFailure)
    /// No service has this code (valid codes are 1...25).
    case unknownServiceCode(Int)
    /// No region has this code.
    case unknownRegionCode(String)
    /// No column of the Annex 3 report has this number (valid numbers are 1...27).
    case unknownReportColumn(Int)
    /// A date was not a real `YYYY-MM-DD` calendar date; carries the offending text.
    case invalidDate(String)
    /// A working-day calendar document was rejected; carries the reason.
    case invalidCalendar(String)
    /// A quality-evaluation score was outside 1...5.
    case scoreOutOfRange(criterion: QualityCriterion, score: Int)

    /// Why an IIN was rejected, in the order the checks run.
    public enum IINFailure: Equatable, Sendable {
        /// Not exactly 12 characters; carries the length seen.
        case length(Int)
        /// A non-digit at this 1-based position.
        case nonDigit(position: Int)
        /// Digits 1-6 with the century digit do not form a real date.
        case birthDate
        /// Digit 7 is not 1...6; carries the digit.
        case centuryDigit(Int)
        /// Digit 12 differs from the computed check digit.
        case checkDigit(expected: Int, found: Int)
        /// Both weight series give 10: no IIN can carry these first 11 digits.
        case unassignable
    }

    /// A stable machine-readable code (snake_case), suitable for the wire and for tests.
    public var code: String {
        switch self {
        case .iin(.length): "iin_length"
        case .iin(.nonDigit): "iin_non_digit"
        case .iin(.birthDate): "iin_birth_date"
        case .iin(.centuryDigit): "iin_century_digit"
        case .iin(.checkDigit): "iin_check_digit"
        case .iin(.unassignable): "iin_unassignable"
        case .unknownServiceCode: "unknown_service_code"
        case .unknownRegionCode: "unknown_region_code"
        case .unknownReportColumn: "unknown_report_column"
        case .invalidDate: "invalid_date"
        case .invalidCalendar: "invalid_calendar"
        case .scoreOutOfRange: "score_out_of_range"
        }
    }

    public var description: String {
        switch self {
        case .iin(.length(let n)): "IIN must have 12 digits, got \(n) characters"
        case .iin(.nonDigit(let p)): "IIN has a non-digit at position \(p)"
        case .iin(.birthDate): "IIN digits 1-7 do not encode a real birth date"
        case .iin(.centuryDigit(let d)): "IIN digit 7 must be 1...6 (century and sex), got \(d)"
        case .iin(.checkDigit(let e, let f)): "IIN check digit is \(f), expected \(e)"
        case .iin(.unassignable): "IIN digits 1-11 admit no check digit (both series give 10)"
        case .unknownServiceCode(let c): "no service with code \(c) (valid: 1...25)"
        case .unknownRegionCode(let c): "no region with code \(c)"
        case .unknownReportColumn(let c): "no Annex 3 column \(c) (valid: 1...27)"
        case .invalidDate(let s): "not a calendar date in YYYY-MM-DD form: \(s)"
        case .invalidCalendar(let r): "invalid working-day calendar: \(r)"
        case .scoreOutOfRange(let c, let s): "score for \(c) must be 1...5, got \(s)"
        }
    }
}
