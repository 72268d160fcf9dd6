import Testing

@testable import KandasDomain

@Test func moduleIsLinked() {
    #expect(KandasDomainModule.name == "KandasDomain")
}
