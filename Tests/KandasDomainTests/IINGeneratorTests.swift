import KandasDomain
import Testing

@Test func sameSeed_givesTheSameSequence() {
    var a = IINGenerator(seed: 42)
    var b = IINGenerator(seed: 42)
    #expect((0..<50).map { _ in a.nextHistorical() } == (0..<50).map { _ in b.nextHistorical() })
}

@Test func differentSeeds_giveDifferentSequences() {
    var a = IINGenerator(seed: 1)
    var b = IINGenerator(seed: 2)
    #expect((0..<10).map { _ in a.nextHistorical() } != (0..<10).map { _ in b.nextHistorical() })
}

@Test func generatedNumbers_allValidate() throws {
    var generator = IINGenerator(seed: 9)
    for _ in 0..<2000 {
        let iin = generator.nextHistorical()
        #expect(try IIN(iin.digits) == iin)
        #expect((1800...1899).contains(iin.birthDate.year))
    }
}

@Test func requestedBirthDateAndSex_areEncoded() throws {
    var generator = IINGenerator(seed: 3)
    for (text, sex) in [("1956-07-14", Sex.female), ("1999-12-31", .male), ("2019-01-01", .female)] {
        let date = try LocalDate(text)
        let iin = generator.next(bornOn: date, sex: sex)
        #expect(iin.birthDate == date)
        #expect(iin.sex == sex)
        #expect(IIN.isValid(iin.digits))
    }
}
