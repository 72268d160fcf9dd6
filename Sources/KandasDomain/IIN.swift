/// A validated Kazakh individual identification number (ЖСН / ИИН), 12 digits.
///
/// Layout: digits 1-6 are the birth date `YYMMDD`; digit 7 gives the century and the sex
/// (1/2: 1800s male/female, 3/4: 1900s, 5/6: 2000s); digits 8-11 are a registration
/// number; digit 12 is a check digit: the sum of digits 1-11 weighted 1, 2, ..., 11, mod 11;
/// if that is 10, the sum with weights 3, 4, ..., 11, 1, 2, mod 11; if that is also 10 the
/// first 11 digits are never assigned.
///
/// Worked example (a synthetic number: a birth in 1885, so no living person holds it):
/// `85010110123?` → 8·1 + 5·2 + 0·3 + 1·4 + 0·5 + 1·6 + 1·7 + 0·8 + 1·9 + 2·10 + 3·11 = 97,
/// 97 mod 11 = 9, so the IIN is `850101101239`: male, born 1885-01-01. With `8501011011?`
/// the first series gives 54 mod 11 = 10, so the second series applies: 8·3 + 5·4 + 0·5 +
/// 1·6 + 0·7 + 1·8 + 1·9 + 0·10 + 1·11 + 1·1 + 0·2 = 79, mod 11 = 2 → `850101101102`.
/// And `8501011011 4` gives 10 in both series: unassignable.
///
/// - Important: ``description`` masks all but the last two digits so that an IIN logged by
///   accident does not leak; use ``digits`` deliberately.
public struct IIN: Hashable, Sendable, CustomStringConvertible {
    /// The 12 ASCII digits.
    public let digits: String
    /// The birth date encoded in digits 1-7.
    public let birthDate: LocalDate
    /// The sex encoded in digit 7.
    public let sex: Sex

    /// Validates `text` (exactly 12 ASCII digits, no spaces) and parses it.
    ///
    /// Checks run in this order, and the first failure is thrown: length, digits, century
    /// digit, birth date, unassignable, check digit.
    /// - Throws: ``DomainError/iin(_:)`` with the precise ``DomainError/IINFailure``.
    public init(_ text: String) throws(DomainError) {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count == 12 else { throw .iin(.length(scalars.count)) }
        var d = [Int]()
        d.reserveCapacity(12)
        for (i, s) in scalars.enumerated() {
            guard ("0"..."9").contains(s) else { throw .iin(.nonDigit(position: i + 1)) }
            d.append(Int(s.value) - 48)
        }
        guard (1...6).contains(d[6]) else { throw .iin(.centuryDigit(d[6])) }
        let century = 1800 + (d[6] - 1) / 2 * 100
        let date: LocalDate
        do {
            date = try LocalDate(year: century + d[0] * 10 + d[1], month: d[2] * 10 + d[3], day: d[4] * 10 + d[5])
        } catch {
            throw .iin(.birthDate)
        }
        guard let check = IIN.checkDigit(Array(d[0..<11])) else { throw .iin(.unassignable) }
        guard check == d[11] else { throw .iin(.checkDigit(expected: check, found: d[11])) }
        self.digits = text
        self.birthDate = date
        self.sex = d[6] % 2 == 1 ? .male : .female
    }

    /// The check digit for the first 11 digits, or `nil` when both weight series give 10.
    ///
    /// - Precondition: `first11` has 11 elements, each 0...9.
    public static func checkDigit(_ first11: [Int]) -> Int? {
        precondition(first11.count == 11, "an IIN check digit covers exactly 11 digits")
        let first = zip(first11, 1...11).reduce(0) { $0 + $1.0 * $1.1 } % 11
        if first != 10 { return first }
        let weights = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]
        let second = zip(first11, weights).reduce(0) { $0 + $1.0 * $1.1 } % 11
        return second == 10 ? nil : second
    }

    /// Whether `text` is a valid IIN.
    public static func isValid(_ text: String) -> Bool { (try? IIN(text)) != nil }

    /// The century-and-sex digit (digit 7) for a birth year and sex, if the year is 1800...2099.
    public static func centuryDigit(year: Int, sex: Sex) -> Int? {
        guard (1800...2099).contains(year) else { return nil }
        return (year - 1800) / 100 * 2 + (sex == .male ? 1 : 2)
    }

    /// The age in full years on `date` (0 before the first birthday).
    public func age(on date: LocalDate) -> Int {
        var years = date.year - birthDate.year
        if (date.month, date.day) < (birthDate.month, birthDate.day) { years -= 1 }
        return max(0, years)
    }

    /// Masked: `**********39`.
    public var description: String { String(repeating: "*", count: 10) + digits.suffix(2) }
}

extension IIN: Codable {
    public init(from decoder: any Decoder) throws {
        try self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(digits)
    }
}
