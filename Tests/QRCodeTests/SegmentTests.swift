import Testing

@testable import QRCode

@Suite struct SegmentTests {
    @Test func uppercaseDigitsAndSymbols_useAlphanumericMode() {
        #expect(Segment("HELLO WORLD").mode == .alphanumeric)
        #expect(Segment("ABCD-EFGH $%*+./:0189").mode == .alphanumeric)
    }

    @Test func lowercaseOrNonASCII_useByteMode() {
        #expect(Segment("Hello").mode == .byte)
        #expect(Segment("ABCD#1").mode == .byte)
        #expect(Segment("Қазақ").mode == .byte)
    }

    @Test func byteMode_countsUTF8Bytes() {
        let segment = Segment("Қа")
        #expect(segment.count == 4)
        #expect(segment.payload.bytes == [0xD2, 0x9A, 0xD0, 0xB0])
    }

    @Test func alphanumericPairs_take11BitsAndALastSingle6() {
        // "AC-": A=10, C=12 → 10·45 + 12 = 462 in 11 bits; "-" = 41 in 6 bits.
        let segment = Segment("AC-")
        var expected = BitBuffer()
        expected.append(462, width: 11)
        expected.append(41, width: 6)
        #expect(segment.payload == expected)
        #expect(segment.bitLength(version: 1) == 4 + 9 + 17)
    }

    @Test func characterCountIndicator_widensWithVersion() {
        #expect(Segment.Mode.byte.countBits(version: 9) == 8)
        #expect(Segment.Mode.byte.countBits(version: 10) == 16)
        #expect(Segment.Mode.alphanumeric.countBits(version: 10) == 11)
        #expect(Segment.Mode.alphanumeric.countBits(version: 27) == 13)
    }

    @Test func countBeyondTheIndicator_doesNotFitThatVersion() {
        let segment = Segment(String(repeating: "a", count: 256))
        #expect(segment.bitLength(version: 9) == nil)
        #expect(segment.bitLength(version: 10) == 4 + 16 + 256 * 8)
    }
}
