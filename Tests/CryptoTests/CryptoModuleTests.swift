import Testing

@testable import Crypto

@Test func moduleIsLinked() {
    #expect(CryptoModule.name == "Crypto")
}
