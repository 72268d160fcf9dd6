import KandasDomain
import Testing

@Test func nameIn_returnsEachLanguage() throws {
    let service = try ServiceCatalog.service(code: 17)
    #expect(service.name(in: .kk) == "Жұмыссыздарды тіркеу")
    #expect(service.name(in: .ru) == "Регистрация безработных")
    #expect(service.name(in: .en) == "Registration of the unemployed")
}

@Test func reportColumn_isCodePlusTwo() {
    for service in ServiceCatalog.all { #expect(service.reportColumn == service.code + 2) }
}

@Test func identity_isTheCode() throws {
    #expect(try ServiceCatalog.service(code: 5).id == 5)
}
