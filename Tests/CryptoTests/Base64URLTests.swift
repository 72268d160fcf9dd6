import Crypto
import Foundation
import Testing

@Suite struct Base64URLTests {
    @Test func encode_matchesFoundationsBase64WithTheURLAlphabetAndNoPadding() {
        for length in 0..<70 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 251) }
            var expected = Data(bytes).base64EncodedString()
            expected = expected.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            while expected.hasSuffix("=") { expected.removeLast() }
            #expect(Base64URL.encode(bytes) == expected)
            #expect(Base64URL.decode(expected) == bytes)
        }
    }

    @Test func decode_refusesPaddingTheStandardAlphabetAndImpossibleLengths() {
        #expect(Base64URL.decode("-_8") == [0xfb, 0xff])
        #expect(Base64URL.decode("-_8=") == nil)
        #expect(Base64URL.decode("+/8") == nil)
        #expect(Base64URL.decode("QUJD RA") == nil)
        #expect(Base64URL.decode("QUJDR") == nil)
        #expect(Base64URL.decode("") == [])
        #expect(Base64URL.decode("é") == nil)
    }

    @Test func decode_ofSlicesAndBytes_isTheSameAsOfStrings() {
        let text = "xx.QUJDRA.yy"
        let middle = text.split(separator: ".")[1]
        #expect(Base64URL.decode(middle) == Array("ABCD".utf8))
        #expect(Base64URL.decode(bytes: Array("QUJDRA".utf8)) == Array("ABCD".utf8))
        #expect(Base64URL.decode(bytes: Array("QUJDRA".utf8).dropFirst(0)) == Array("ABCD".utf8))
        #expect(Base64URL.decode(bytes: Array("QUJD=A".utf8)) == nil)
        #expect(Base64URL.decode(bytes: [UInt8]()) == [])
        // A bridged or otherwise non-contiguous string takes the copying path with the same answer.
        #expect(
            Base64URL.decode(
                "QUJDRA".utf8.reversed().reversed().map { Character(UnicodeScalar($0)) }.map(String.init).joined())
                == Array("ABCD".utf8))
    }

    @Test func isAlphabet_acceptsExactlyTheURLAlphabet() {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        for byte in UInt8.min...UInt8.max {
            let ok = [byte].withUnsafeBytes { Base64URL.isAlphabet($0) }
            #expect(ok == alphabet.contains(byte), "byte \(byte)")
        }
        #expect([UInt8]().withUnsafeBytes { Base64URL.isAlphabet($0) })
    }
}
