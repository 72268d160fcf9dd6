/// PNG rendering.
extension QRCode {
    /// A PNG image of the symbol, black on white, with a 4-module quiet zone.
    ///
    /// 1-bit greyscale, each module `moduleSize` pixels square (clamped to ``moduleSizes``). The
    /// image data is a zlib stream of "stored" deflate blocks (RFC 1951 §3.2.4): no compression
    /// code to get wrong, and at one bit per pixel even a version 40 symbol at 8 px is about 170 KB.
    /// Every chunk carries its CRC-32 and the zlib stream its Adler-32 (PNG spec §5.3, RFC 1950).
    public func png(moduleSize: Int = 8) -> [UInt8] {
        let scale = Self.clampedModuleSize(moduleSize)
        let pixels = sizeWithQuietZone * scale
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header: [UInt8] = []
        header.appendBigEndian(UInt32(pixels))
        header.appendBigEndian(UInt32(pixels))
        // Bit depth 1, colour type 0 (greyscale), deflate, adaptive filtering, no interlace.
        header += [1, 0, 0, 0, 0]
        Self.appendChunk("IHDR", header, to: &png)
        Self.appendChunk("IDAT", Self.zlibStored(scanlines(scale: scale, pixels: pixels)), to: &png)
        Self.appendChunk("IEND", [], to: &png)
        return png
    }

    /// The filtered image rows: filter type 0 then the row packed 8 pixels a byte, 1 = white.
    private func scanlines(scale: Int, pixels: Int) -> [UInt8] {
        let rowBytes = (pixels + 7) / 8
        var data: [UInt8] = []
        data.reserveCapacity((rowBytes + 1) * pixels)
        for moduleY in 0..<sizeWithQuietZone {
            var row = [UInt8](repeating: 0xFF, count: rowBytes)
            for pixelX in 0..<pixels
            where self[pixelX / scale - Self.quietZone, moduleY - Self.quietZone] {
                row[pixelX >> 3] &= ~(0x80 >> UInt8(pixelX & 7))
            }
            for _ in 0..<scale {
                data.append(0)
                data += row
            }
        }
        return data
    }

    /// `data` as a zlib stream of uncompressed deflate blocks.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        // CMF 0x78: deflate with a 32 KiB window; FLG 0x01 makes CMF·256 + FLG a multiple of 31.
        var stream: [UInt8] = [0x78, 0x01]
        let maximumBlock = Int(UInt16.max)
        var start = 0
        repeat {
            let end = min(start + maximumBlock, data.count)
            let length = UInt16(end - start)
            // BFINAL on the last block, BTYPE 00 (stored); LEN and NLEN little-endian.
            stream.append(end == data.count ? 1 : 0)
            stream += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)]
            stream += data[start..<end]
            start = end
        } while start < data.count
        stream.appendBigEndian(Adler32.checksum(data))
        return stream
    }

    /// Appends one chunk: length, type, data and the CRC-32 of type and data.
    private static func appendChunk(_ type: String, _ data: [UInt8], to png: inout [UInt8]) {
        let typeBytes = Array(type.utf8)
        png.appendBigEndian(UInt32(data.count))
        png += typeBytes
        png += data
        var crc = CRC32()
        crc.update(typeBytes)
        crc.update(data)
        png.appendBigEndian(crc.value)
    }
}

extension [UInt8] {
    /// Appends `value` most significant byte first, as PNG and zlib store integers.
    fileprivate mutating func appendBigEndian(_ value: UInt32) {
        append(contentsOf: [
            UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF),
        ])
    }
}
