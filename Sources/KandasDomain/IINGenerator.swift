/// Deterministic generator of valid, synthetic IINs for tests and demo data.
///
/// Numbers are pseudo-random (SplitMix64 from the seed), never derived from real data. A
/// structurally valid IIN may still coincide with a real person's by chance, so generated
/// numbers are for tests and demos only. ``nextHistorical()`` avoids even that: it uses
/// birth dates in the 1800s, which no living person (and no IIN holder) has.
public struct IINGenerator: Sendable {
    private var state: UInt64

    /// A generator whose sequence is fully determined by `seed`.
    public init(seed: UInt64) { state = seed }

    /// SplitMix64 (Steele, Lea, Flood 2014): small, fast, and good enough for test data.
    private mutating func nextRandom() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private mutating func next(below n: Int) -> Int { Int(nextRandom() % UInt64(n)) }

    /// A valid IIN for someone born on `birthDate` (year 1800...2099) of `sex`.
    ///
    /// The registration number is random; numbers whose check digit is unassignable are
    /// skipped, so the result always validates.
    /// - Precondition: `birthDate.year` is in 1800...2099.
    public mutating func next(bornOn birthDate: LocalDate, sex: Sex) -> IIN {
        guard let centuryDigit = IIN.centuryDigit(year: birthDate.year, sex: sex) else {
            preconditionFailure("IINs encode birth years 1800...2099 only")
        }
        let yy = birthDate.year % 100
        let prefix = [
            yy / 10, yy % 10, birthDate.month / 10, birthDate.month % 10, birthDate.day / 10,
            birthDate.day % 10, centuryDigit,
        ]
        while true {
            let serial = (0..<4).map { _ in next(below: 10) }
            let first11 = prefix + serial
            if let check = IIN.checkDigit(first11) {
                let text = (first11 + [check]).map(String.init).joined()
                // Cannot fail: every field was built valid; a failure is a bug in this file.
                return try! IIN(text)
            }
        }
    }

    /// A valid IIN with a random birth date in 1800...1899 and a random sex.
    public mutating func nextHistorical() -> IIN {
        let start = (try! LocalDate(year: 1800, month: 1, day: 1)).dayNumber
        let end = (try! LocalDate(year: 1899, month: 12, day: 31)).dayNumber
        let date = LocalDate(dayNumber: start + next(below: end - start + 1))
        return next(bornOn: date, sex: next(below: 2) == 0 ? .male : .female)
    }
}
