import Testing

@testable import QRCode

@Suite struct BitBufferTests {
    @Test func append_writesMostSignificantBitFirst() {
        var buffer = BitBuffer()
        buffer.append(0b0100, width: 4)
        buffer.append(0b1, width: 1)
        #expect(buffer.bits == [false, true, false, false, true])
        #expect(buffer.count == 5)
    }

    @Test func bytes_padTheLastByteWithZeroBits() {
        var buffer = BitBuffer()
        buffer.append(0xAB, width: 8)
        buffer.append(0b101, width: 3)
        #expect(buffer.bytes == [0xAB, 0b1010_0000])
    }

    @Test func zeroWidth_appendsNothing() {
        var buffer = BitBuffer()
        buffer.append(0, width: 0)
        #expect(buffer.bytes.isEmpty)
    }
}
