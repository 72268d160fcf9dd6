import Testing

@testable import KandasServer

@Test func moduleIsLinked() {
    #expect(KandasServerModule.name == "KandasServer")
}
