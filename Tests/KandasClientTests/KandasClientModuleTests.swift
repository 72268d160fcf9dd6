import Testing

@testable import KandasClient

@Test func moduleIsLinked() {
    #expect(KandasClientModule.name == "KandasClient")
}
