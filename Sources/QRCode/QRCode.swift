/// A QR Code Model 2 symbol (ISO/IEC 18004:2015), encoded from text.
///
/// The text is encoded as UTF-8 in byte mode, or in alphanumeric mode when every character is one of
/// `0-9 A-Z space $ % * + - . / :`. The smallest version (1 to 40) that holds the payload at the
/// requested error-correction level is chosen, and of the eight data masks the one with the lowest
/// §7.8.3 penalty. No ECI header is written: scanners read byte-mode UTF-8 without one.
///
/// ```swift
/// let code = try QRCode("kandas1:https://kandas.example.kz#ABCD-EFGH-JKLM-NPQR")
/// let png = code.png()          // bytes for an <img> or a file
/// let svg = code.svg()          // a self-contained SVG document
/// ```
///
/// - SeeAlso: ``svg(moduleSize:)`` and ``png(moduleSize:)`` for rendering with the quiet zone.
public struct QRCode: Sendable, Hashable {
    /// Modules per side, without the quiet zone: 21 for version 1 up to 177 for version 40.
    public let size: Int
    /// The version (1...40) chosen for the payload.
    public let version: Int
    /// The error-correction level the symbol was built with.
    public let ecc: ErrorCorrection
    /// The data mask (0...7) that was applied.
    public let mask: Int
    /// Row-major module colours, `true` = dark.
    private let modules: [Bool]

    /// Encodes `text` in the smallest symbol that holds it at level `ecc`.
    ///
    /// - Throws: ``QRCodeError/payloadTooLong(byteCount:maximumByteCount:ecc:)`` when even version
    ///   40 cannot hold the text (2,331 UTF-8 bytes at level M).
    public init(_ text: String, ecc: ErrorCorrection = .medium) throws(QRCodeError) {
        try self.init(text, ecc: ecc, forcedMask: nil)
    }

    /// Encodes `text`, optionally with a fixed mask instead of the best-scoring one (for tests).
    init(_ text: String, ecc: ErrorCorrection, forcedMask: Int?) throws(QRCodeError) {
        let segment = Segment(text)
        guard let version = Self.smallestVersion(for: segment, ecc: ecc) else {
            throw .payloadTooLong(
                byteCount: segment.count, maximumByteCount: Self.maximumByteCount(ecc: ecc), ecc: ecc)
        }
        let codewords = Self.interleavedCodewords(
            Self.dataCodewords(segment, version: version, ecc: ecc), version: version, ecc: ecc)
        var matrix = QRMatrix(version: version)
        matrix.placeCodewords(codewords)
        let mask = forcedMask ?? Self.bestMask(for: matrix, ecc: ecc)
        matrix.applyMask(mask)
        matrix.drawFormat(ecc: ecc, mask: mask)
        self.size = matrix.size
        self.version = version
        self.ecc = ecc
        self.mask = mask
        self.modules = matrix.modules
    }

    /// Whether the module at column `x`, row `y` (from the top-left) is dark.
    ///
    /// Coordinates outside `0..<size` are light, so a renderer can walk the quiet zone with
    /// negative or too-large coordinates.
    public subscript(x: Int, y: Int) -> Bool {
        guard x >= 0, x < size, y >= 0, y < size else { return false }
        return modules[y * size + x]
    }

    /// The largest byte-mode payload version 40 holds at `ecc`.
    static func maximumByteCount(ecc: ErrorCorrection) -> Int {
        let version = QRTables.versions.upperBound
        let headerBits = 4 + Segment.Mode.byte.countBits(version: version)
        return (QRTables.dataCodewords(version: version, ecc: ecc) * 8 - headerBits) / 8
    }

    /// The first version whose data capacity at `ecc` holds the segment.
    static func smallestVersion(for segment: Segment, ecc: ErrorCorrection) -> Int? {
        QRTables.versions.first { version in
            guard let bits = segment.bitLength(version: version) else { return false }
            return bits <= QRTables.dataCodewords(version: version, ecc: ecc) * 8
        }
    }

    /// The data codewords: segment, terminator, bit padding and pad codewords (§7.4.9, §7.4.10).
    static func dataCodewords(_ segment: Segment, version: Int, ecc: ErrorCorrection) -> [UInt8] {
        let capacityBits = QRTables.dataCodewords(version: version, ecc: ecc) * 8
        var buffer = BitBuffer()
        segment.write(to: &buffer, version: version)
        // Terminator: up to four zero bits, fewer when the symbol is full.
        buffer.append(0, width: min(4, capacityBits - buffer.count))
        buffer.append(0, width: (8 - buffer.count % 8) % 8)
        var codewords = buffer.bytes
        // Pad codewords alternate 11101100 and 00010001 until the capacity is reached.
        var pad: UInt8 = 0xEC
        while codewords.count * 8 < capacityBits {
            codewords.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        return codewords
    }

    /// Splits data codewords into blocks, adds each block's error correction and interleaves (§7.6).
    ///
    /// Blocks are as even as possible: the last `total % blocks` are one data codeword longer.
    /// The final sequence takes the i-th data codeword of every block in turn, then the i-th
    /// error-correction codeword of every block in turn.
    static func interleavedCodewords(_ data: [UInt8], version: Int, ecc: ErrorCorrection) -> [UInt8] {
        let blockCount = QRTables.blockCount(version: version, ecc: ecc)
        let eccLength = QRTables.eccCodewordsPerBlock(version: version, ecc: ecc)
        let shortDataLength = data.count / blockCount
        let longBlocks = data.count % blockCount
        let generator = ReedSolomon.generator(degree: eccLength)
        var dataBlocks: [[UInt8]] = []
        var eccBlocks: [[UInt8]] = []
        var start = 0
        for block in 0..<blockCount {
            let length = shortDataLength + (block >= blockCount - longBlocks ? 1 : 0)
            let blockData = Array(data[start..<(start + length)])
            dataBlocks.append(blockData)
            eccBlocks.append(ReedSolomon.remainder(of: blockData, generator: generator))
            start += length
        }
        var result: [UInt8] = []
        result.reserveCapacity(QRTables.rawDataModules(version: version) / 8)
        for index in 0...shortDataLength {
            for block in dataBlocks where index < block.count {
                result.append(block[index])
            }
        }
        for index in 0..<eccLength {
            for block in eccBlocks {
                result.append(block[index])
            }
        }
        return result
    }

    /// The mask with the lowest penalty; ties go to the lower mask number.
    static func bestMask(for matrix: QRMatrix, ecc: ErrorCorrection) -> Int {
        var best = (mask: 0, penalty: Int.max)
        for mask in 0..<8 {
            var candidate = matrix
            candidate.applyMask(mask)
            candidate.drawFormat(ecc: ecc, mask: mask)
            let penalty = candidate.penalty()
            if penalty < best.penalty {
                best = (mask, penalty)
            }
        }
        return best.mask
    }
}
