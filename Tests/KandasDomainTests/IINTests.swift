import Foundation
import KandasDomain
import Testing

// All IINs here are synthetic: born in the 1800s (no IIN holder was) or made by IINGenerator.

@Test func workedExample_firstWeightSeries() throws {
    // 8·1+5·2+0·3+1·4+0·5+1·6+1·7+0·8+1·9+2·10+3·11 = 97; 97 mod 11 = 9.
    let iin = try IIN("850101101239")
    #expect(iin.birthDate == (try LocalDate("1885-01-01")))
    #expect(iin.sex == .male)
    #expect(IIN.checkDigit([8, 5, 0, 1, 0, 1, 1, 0, 1, 2, 3]) == 9)
}

@Test func workedExample_secondWeightSeries() throws {
    // First series: 54 mod 11 = 10. Second: 8·3+5·4+0·5+1·6+0·7+1·8+1·9+0·10+1·11+1·1+0·2 = 79, mod 11 = 2.
    #expect(IIN.checkDigit([8, 5, 0, 1, 0, 1, 1, 0, 1, 1, 0]) == 2)
    #expect(IIN.isValid("850101101102"))
}

@Test func bothSeriesTen_isUnassignable() {
    // First series 10 (as above, digit 11 has weight 11 ≡ 0); second: 79 + 4·2 = 87, mod 11 = 10.
    #expect(IIN.checkDigit([8, 5, 0, 1, 0, 1, 1, 0, 1, 1, 4]) == nil)
    for last in 0...9 {
        #expect(throws: DomainError.iin(.unassignable)) {
            try IIN("8501011011 4\(last)".replacingOccurrences(of: " ", with: ""))
        }
    }
}

@Test func wrongLength_isRejectedWithTheLengthSeen() {
    #expect(throws: DomainError.iin(.length(5))) { try IIN("85010") }
    #expect(throws: DomainError.iin(.length(13))) { try IIN(" 850101101239") }
    #expect(throws: DomainError.iin(.length(0))) { try IIN("") }
}

@Test func nonDigit_isRejectedWithItsPosition() {
    #expect(throws: DomainError.iin(.nonDigit(position: 12))) { try IIN("85010110123X") }
    #expect(throws: DomainError.iin(.nonDigit(position: 1))) { try IIN("８50101101239") }
    #expect(throws: DomainError.iin(.nonDigit(position: 7))) { try IIN("850101-01239") }
}

@Test func centuryDigitOutside1To6_isRejected() {
    #expect(throws: DomainError.iin(.centuryDigit(0))) { try IIN("850101001239") }
    #expect(throws: DomainError.iin(.centuryDigit(7))) { try IIN("850101701239") }
}

@Test func impossibleBirthDate_isRejected() {
    #expect(throws: DomainError.iin(.birthDate)) { try IIN("851301101239") }
    #expect(throws: DomainError.iin(.birthDate)) { try IIN("850100101239") }
    // 1900 was not a leap year (century digit 3), 2000 was (5).
    #expect(throws: DomainError.iin(.birthDate)) { try IIN("000229300000") }
}

@Test func leapDayOf2000_isAValidBirthDate() throws {
    var generator = IINGenerator(seed: 29)
    let iin = generator.next(bornOn: try LocalDate("2000-02-29"), sex: .female)
    #expect(iin.digits.hasPrefix("0002296"))
    #expect(try IIN(iin.digits).birthDate == LocalDate("2000-02-29"))
}

@Test func wrongCheckDigit_reportsExpectedAndFound() {
    #expect(throws: DomainError.iin(.checkDigit(expected: 9, found: 8))) { try IIN("850101101238") }
}

@Test func centuryDigits_encodeCenturyAndSex() throws {
    #expect(IIN.centuryDigit(year: 1885, sex: .male) == 1)
    #expect(IIN.centuryDigit(year: 1899, sex: .female) == 2)
    #expect(IIN.centuryDigit(year: 1990, sex: .male) == 3)
    #expect(IIN.centuryDigit(year: 1900, sex: .female) == 4)
    #expect(IIN.centuryDigit(year: 2000, sex: .male) == 5)
    #expect(IIN.centuryDigit(year: 2099, sex: .female) == 6)
    #expect(IIN.centuryDigit(year: 2100, sex: .male) == nil)
    #expect(IIN.centuryDigit(year: 1799, sex: .male) == nil)
}

/// An independent reference implementation, written differently, to recheck accepted mutants.
private func referenceIsValid(_ text: String) -> Bool {
    let d = text.compactMap { $0.wholeNumberValue }
    guard text.count == 12, d.count == 12, text.allSatisfy({ $0.isASCII }) else { return false }
    guard d[6] >= 1, d[6] <= 6 else { return false }
    let year = [1800, 1900, 2000][(d[6] - 1) / 2] + d[0] * 10 + d[1]
    var components = DateComponents()
    (components.year, components.month, components.day) = (year, d[2] * 10 + d[3], d[4] * 10 + d[5])
    var gregorian = Calendar(identifier: .gregorian)
    gregorian.timeZone = TimeZone(identifier: "UTC")!
    guard let date = gregorian.date(from: components),
        gregorian.dateComponents([.year, .month, .day], from: date) == components
    else { return false }
    var sum = 0
    for i in 0..<11 { sum += d[i] * (i + 1) }
    var check = sum % 11
    if check == 10 {
        sum = 0
        for i in 0..<11 { sum += d[i] * ((i + 2) % 11 + 1) }
        check = sum % 11
        if check == 10 { return false }
    }
    return check == d[11]
}

@Test func everySingleDigitMutation_isCaughtOrValidByRecomputation() {
    var generator = IINGenerator(seed: 2026)
    var undetectedPositions = Set<Int>()
    for _ in 0..<150 {
        let original = Array(generator.nextHistorical().digits)
        for position in 0..<12 {
            for digit in "0123456789" where digit != original[position] {
                var mutant = original
                mutant[position] = digit
                let text = String(mutant)
                let accepted = IIN.isValid(text)
                #expect(accepted == referenceIsValid(text), "mutant at position \(position + 1)")
                if accepted { undetectedPositions.insert(position + 1) }
            }
        }
    }
    // A changed check digit is always caught. Other positions can slip through: weight 11 ≡ 0
    // (mod 11) hides digit 11 from the first series, and a mutant that switches between the
    // two series may land on the same check digit by chance; the reference agrees in every case.
    #expect(!undetectedPositions.contains(12))
    #expect(undetectedPositions.contains(11))
}

@Test func age_countsFullYears() throws {
    var generator = IINGenerator(seed: 7)
    let iin = generator.next(bornOn: try LocalDate("2000-02-29"), sex: .male)
    #expect(iin.age(on: try LocalDate("2001-02-28")) == 0)
    #expect(iin.age(on: try LocalDate("2001-03-01")) == 1)
    #expect(iin.age(on: try LocalDate("2026-02-28")) == 25)
    #expect(iin.age(on: try LocalDate("1999-01-01")) == 0)
}

@Test func description_masksAllButTheLastTwoDigits() throws {
    let iin = try IIN("850101101239")
    #expect("\(iin)" == "**********39")
    #expect(!"\(iin)".contains("850101"))
}

@Test func codable_roundTripsAndRejectsInvalidNumbers() throws {
    let iin = try IIN("850101101239")
    let data = try JSONEncoder().encode([iin])
    #expect(String(decoding: data, as: UTF8.self) == #"["850101101239"]"#)
    #expect(try JSONDecoder().decode([IIN].self, from: data) == [iin])
    #expect(throws: DomainError.iin(.checkDigit(expected: 9, found: 8))) {
        try JSONDecoder().decode([IIN].self, from: Data(#"["850101101238"]"#.utf8))
    }
}
