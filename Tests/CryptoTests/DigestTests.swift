import Crypto
import Testing

@Suite struct DigestTests {
    let abc = SHA256.hash(Array("abc".utf8))

    @Test func hexAndBase64_roundTrip() {
        #expect(Digest(hex: abc.hex) == abc)
        #expect(Digest(hex: abc.hex.uppercased()) == abc)
        #expect(abc.base64 == "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=")
        #expect(Digest(base64: abc.base64) == abc)
        #expect(abc.description == abc.hex)
    }

    @Test func malformedText_isRejected() {
        #expect(Digest(hex: "") == nil)
        #expect(Digest(hex: "abc") == nil)
        #expect(Digest(hex: "zz") == nil)
        #expect(Digest(base64: "not base64!") == nil)
        #expect(Digest(base64: "") == nil)
    }
}
