import KandasDomain
import Testing

@Test func codes_areStableAndDistinct() {
    let errors: [DomainError] = [
        .iin(.length(1)), .iin(.nonDigit(position: 1)), .iin(.birthDate), .iin(.centuryDigit(0)),
        .iin(.checkDigit(expected: 1, found: 2)), .iin(.unassignable), .unknownServiceCode(0),
        .unknownRegionCode("x"), .unknownReportColumn(0), .invalidDate("x"), .invalidCalendar("x"),
        .scoreOutOfRange(criterion: .relevance, score: 0),
    ]
    let codes = errors.map(\.code)
    #expect(Set(codes).count == codes.count)
    #expect(codes.allSatisfy { $0.allSatisfy { $0.isLowercase || $0 == "_" } })
    #expect(DomainError.iin(.checkDigit(expected: 9, found: 8)).code == "iin_check_digit")
}

@Test func iinErrors_neverCarryTheNumber() {
    #expect(throws: DomainError.self) { try IIN("850101101238") }
    do {
        _ = try IIN("850101101238")
    } catch {
        #expect(!"\(error)".contains("850101"))
        #expect("\(error)".contains("expected 9"))
    }
}
