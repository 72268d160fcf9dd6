import Testing

@testable import KandasProtocol

@Test func moduleIsLinked() {
    #expect(KandasProtocolModule.name == "KandasProtocol")
}
