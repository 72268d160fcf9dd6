import Testing

@testable import QRCode

@Suite struct Adler32Tests {
    @Test func wikipedia_is11E60398() {
        #expect(Adler32.checksum(Array("Wikipedia".utf8)) == 0x11E6_0398)
    }

    @Test func emptyInput_isOne() {
        #expect(Adler32.checksum([]) == 1)
    }

    @Test func longInput_matchesTheDefinitionModuloEveryByte() {
        // 100,000 bytes of 0xFF crosses the 5,552-byte chunking many times; compare with a plain
        // per-byte modulo implementation of RFC 1950 §8.2.
        let bytes = [UInt8](repeating: 0xFF, count: 100_000) + Array("kandas".utf8)
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        #expect(Adler32.checksum(bytes) == b << 16 | a)
    }
}
