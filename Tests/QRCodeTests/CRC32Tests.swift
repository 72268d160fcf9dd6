import Testing

@testable import QRCode

@Suite struct CRC32Tests {
    @Test func checkValue_of123456789_isCBF43926() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    }

    @Test func emptyInput_isZero() {
        #expect(CRC32.checksum([UInt8]()) == 0)
    }

    @Test func pngEndChunk_hasItsWellKnownCRC() {
        // Every PNG ends with IEND and CRC AE 42 60 82.
        #expect(CRC32.checksum(Array("IEND".utf8)) == 0xAE42_6082)
    }

    @Test func incrementalUpdates_equalOneShot() {
        let bytes = (0..<1000).map { UInt8($0 * 7 & 0xFF) }
        var crc = CRC32()
        crc.update(bytes[..<333])
        crc.update(bytes[333...])
        #expect(crc.value == CRC32.checksum(bytes))
    }
}
