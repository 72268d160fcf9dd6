import Crypto
import Testing

@Suite struct SecureRandomTests {
    @Test func bytes_haveTheRequestedCountAndDiffer() {
        #expect(SecureRandom.bytes(0).isEmpty)
        let a = SecureRandom.bytes(32)
        let b = SecureRandom.bytes(32)
        #expect(a.count == 32)
        #expect(a != b)
    }

    @Test func token_isBase64URLWithoutPadding() {
        let token = SecureRandom.token()
        #expect(token.count == 43)
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        #expect(token.allSatisfy { alphabet.contains($0) })
        #expect(SecureRandom.token(bytes: 16).count == 22)
    }

    @Test func base64URL_mapsTheTwoUnsafeCharacters() {
        // 0xfb 0xff encodes to "+/8=" in standard base64.
        #expect(SecureRandom.base64URL([0xfb, 0xff]) == "-_8")
    }
}
