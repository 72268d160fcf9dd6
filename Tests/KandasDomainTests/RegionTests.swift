import KandasDomain
import Testing

@Test func divisions_areSeventeenRegionsAndThreeCities() {
    #expect(Region.all.count == 20)
    #expect(Region.all.filter { $0.kind == .region }.count == 17)
    #expect(Region.all.filter { $0.kind == .city }.map(\.names.en) == ["Astana", "Almaty", "Shymkent"])
}

@Test func codes_areUniqueIsoNumericCodes() {
    let codes = Region.all.map(\.code)
    #expect(Set(codes).count == codes.count)
    for code in codes {
        #expect(code.count == 5 && code.hasPrefix("KZ-") && code.dropFirst(3).allSatisfy(\.isNumber), "\(code)")
    }
    let legacy = Region.all.compactMap(\.legacyCode)
    #expect(Set(legacy).count == legacy.count)
}

@Test func regionsCreatedIn2022_arePresentWithoutLegacyCodes() throws {
    for (code, en) in [("KZ-10", "Abai Region"), ("KZ-33", "Jetisu Region"), ("KZ-62", "Ulytau Region")] {
        let region = try Region.region(code: code)
        #expect(region.names.en == en)
        #expect(region.legacyCode == nil)
    }
}

@Test func lookup_acceptsLegacyCodesAndAnyCase() throws {
    #expect(try Region.region(code: "KZ-AST").code == "KZ-71")
    #expect(try Region.region(code: "kz-yuz").name(in: .kk) == "Түркістан облысы")
    #expect(try Region.region(code: "KZ-79").name(in: .ru) == "город Шымкент")
}

@Test(arguments: ["KZ-00", "KZ-BAY", "", "KZ-ABA"])
func unknownRegionCode_isRejected(code: String) {
    #expect(throws: DomainError.unknownRegionCode(code)) { try Region.region(code: code) }
}
