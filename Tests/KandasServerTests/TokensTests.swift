import Testing

@testable import KandasServer

struct TokensTests {
    @Test func tokens_carryTheirKindPrefix_andRoundTripTheirSecret() {
        let token = Tokens.make(.deviceRefresh)
        #expect(token.text.hasPrefix("kdr_") && token.text.count == 47)
        #expect(Tokens.raw(token.text, kind: .deviceRefresh) == token.raw)
        #expect(Tokens.raw(token.text, kind: .deviceAccess) == nil)
    }

    @Test func sealing_isUndoneOnlyWithTheSameKey() {
        let secret = (0..<64).map { UInt8($0) }
        let sealed = Tokens.seal(secret, key: [1, 2, 3])
        #expect(sealed != secret)
        #expect(Tokens.seal(sealed, key: [1, 2, 3]) == secret)
        #expect(Tokens.seal(sealed, key: [1, 2, 4]) != secret)
    }

    @Test func enrollmentCodes_are26Base32Characters_andNormalise() {
        let code = Tokens.enrollmentCode()
        #expect(code.count == 26 && code.allSatisfy { Tokens.base32.contains($0) })
        #expect(Tokens.normaliseCode("ab-cd ef") == "ABCDEF")
    }
}
