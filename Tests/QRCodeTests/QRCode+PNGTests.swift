import Testing

@testable import QRCode

@Suite struct QRCodePNGTests {
    /// One PNG chunk as read back from the file.
    struct Chunk {
        var type: String
        var data: [UInt8]
        var storedCRC: UInt32
    }

    static func bigEndian(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// Splits a PNG into chunks after checking the signature.
    static func chunks(_ png: [UInt8]) throws -> [Chunk] {
        try #require(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var chunks: [Chunk] = []
        var offset = 8
        while offset < png.count {
            let length = Int(bigEndian(png[offset..<(offset + 4)]))
            let type = String(decoding: png[(offset + 4)..<(offset + 8)], as: UTF8.self)
            let data = Array(png[(offset + 8)..<(offset + 8 + length)])
            let crc = bigEndian(png[(offset + 8 + length)..<(offset + 12 + length)])
            chunks.append(Chunk(type: type, data: data, storedCRC: crc))
            offset += 12 + length
        }
        return chunks
    }

    /// Reads a zlib stream made only of stored deflate blocks back into its bytes.
    static func inflateStored(_ stream: [UInt8]) throws -> [UInt8] {
        try #require((Int(stream[0]) << 8 | Int(stream[1])) % 31 == 0)
        try #require(stream[0] & 0x0F == 8)
        var output: [UInt8] = []
        var offset = 2
        var final = false
        while !final {
            final = stream[offset] & 1 == 1
            try #require(stream[offset] >> 1 & 3 == 0, "not a stored block")
            let length = Int(stream[offset + 1]) | Int(stream[offset + 2]) << 8
            let complement = Int(stream[offset + 3]) | Int(stream[offset + 4]) << 8
            try #require(length ^ complement == 0xFFFF)
            output += stream[(offset + 5)..<(offset + 5 + length)]
            offset += 5 + length
        }
        try #require(bigEndian(stream[offset..<(offset + 4)]) == Adler32.checksum(output))
        try #require(offset + 4 == stream.count)
        return output
    }

    @Test func png_hasHeaderDataAndEndChunksWithValidCRCs() throws {
        let code = try QRCode("HELLO WORLD", ecc: .quartile)
        let chunks = try Self.chunks(code.png())
        #expect(chunks.map(\.type) == ["IHDR", "IDAT", "IEND"])
        for chunk in chunks {
            #expect(CRC32.checksum(Array(chunk.type.utf8) + chunk.data) == chunk.storedCRC, "\(chunk.type)")
        }
        let header = chunks[0].data
        // (21 + 2·4 quiet modules) · 8 px = 232 px square, 1-bit greyscale.
        #expect(Self.bigEndian(header[0..<4]) == 232 && Self.bigEndian(header[4..<8]) == 232)
        #expect(Array(header[8...]) == [1, 0, 0, 0, 0])
    }

    @Test func pixels_showEachModuleAsASquareWithAQuietZone() throws {
        let code = try QRCode("kandas", ecc: .low)
        let scale = 3
        let png = code.png(moduleSize: scale)
        let data = try Self.inflateStored(try Self.chunks(png)[1].data)
        let pixels = (code.size + 8) * scale
        let rowBytes = (pixels + 7) / 8 + 1
        #expect(data.count == rowBytes * pixels)
        for py in 0..<pixels {
            #expect(data[py * rowBytes] == 0, "filter byte of row \(py)")
            for px in 0..<pixels {
                let byte = data[py * rowBytes + 1 + px / 8]
                let white = (byte >> UInt8(7 - px % 8)) & 1 == 1
                #expect(white == !code[px / scale - 4, py / scale - 4], "pixel \(px),\(py)")
            }
        }
    }

    @Test func largeImage_spansSeveralStoredBlocks() throws {
        let code = try QRCode(String(repeating: "z", count: 2900), ecc: .low)
        #expect(code.version == 40)
        let idat = try Self.chunks(code.png())[1].data
        let data = try Self.inflateStored(idat)
        // 1,480 px rows of 185 bytes plus a filter byte: more than four 65,535-byte blocks.
        #expect(data.count == 186 * 1480)
        #expect(idat.count == 2 + data.count + 5 * 5 + 4)
    }

    @Test func emptyInput_zlibStillHasOneFinalBlock() throws {
        let stream = QRCode.zlibStored([])
        #expect(stream == [0x78, 0x01, 0x01, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x01])
        #expect(try Self.inflateStored(stream).isEmpty)
    }
}
