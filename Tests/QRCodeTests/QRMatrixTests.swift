import Testing

@testable import QRCode

@Suite struct QRMatrixTests {
    @Test(arguments: [
        (ErrorCorrection.low, 0, 0b111_0111_1100_0100), (.low, 4, 0b110_0110_0010_1111),
        (.medium, 0, 0b101_0100_0001_0010), (.quartile, 0, 0b011_0101_0101_1111), (.high, 0, 0b001_0110_1000_1001),
        (.high, 7, 0b000_1000_0011_1011),
    ])
    func formatBits_matchTableC1(ecc: ErrorCorrection, mask: Int, bits: Int) {
        #expect(QRMatrix.formatBits(ecc: ecc, mask: mask) == bits)
    }

    @Test(arguments: [(7, 0x07C94), (8, 0x085BC), (21, 0x15683), (40, 0x28C69)])
    func versionBits_matchTableD1(version: Int, bits: Int) {
        #expect(QRMatrix.versionBits(version) == bits)
    }

    @Test func finderPatterns_occupyThreeCornersWithLightSeparators() {
        let matrix = QRMatrix(version: 2)
        let last = matrix.size - 1
        for (x, y) in [(0, 0), (last - 6, 0), (0, last - 6)] {
            #expect(matrix[x, y] && matrix[x + 6, y + 6] && matrix[x + 3, y + 3])
            #expect(!matrix[x + 1, y + 1] && !matrix[x + 5, y + 5])
        }
        #expect(!matrix[7, 0] && !matrix[0, 7] && !matrix[last - 7, 0] && !matrix[7, last])
        #expect(matrix.isFunction(x: 8, y: 8))
        #expect(!matrix.isFunction(x: last, y: last))
    }

    @Test func timingPatterns_alternateBetweenTheFinders() {
        let matrix = QRMatrix(version: 3)
        for index in 8...(matrix.size - 9) {
            #expect(matrix[index, 6] == (index % 2 == 0))
            #expect(matrix[6, index] == (index % 2 == 0))
        }
    }

    @Test func alignmentPattern_ofVersion2_isCentredAt18() {
        let matrix = QRMatrix(version: 2)
        #expect(matrix[18, 18] && matrix[16, 16] && matrix[20, 20])
        #expect(!matrix[17, 17] && !matrix[19, 18])
        #expect(matrix.isFunction(x: 16, y: 20))
    }

    @Test func darkModule_isAlwaysSetBesideTheBottomLeftFinder() {
        var matrix = QRMatrix(version: 1)
        matrix.drawFormat(ecc: .high, mask: 7)
        #expect(matrix[8, matrix.size - 8])
    }

    @Test(arguments: [1, 2, 6, 7, 14, 40])
    func dataModules_areExactlyTheRawDataModulesOfTable1(version: Int) {
        let matrix = QRMatrix(version: version)
        var free = 0
        for y in 0..<matrix.size {
            for x in 0..<matrix.size where !matrix.isFunction(x: x, y: y) {
                free += 1
            }
        }
        #expect(free == QRTables.rawDataModules(version: version))
    }

    @Test func versionInformation_isDrawnFromVersion7Only() {
        let version6 = QRMatrix(version: 6)
        #expect(!version6.isFunction(x: version6.size - 11, y: 0))
        let version7 = QRMatrix(version: 7)
        let bits = QRMatrix.versionBits(7)
        for index in 0..<18 {
            let dark = (bits >> index) & 1 == 1
            #expect(version7[version7.size - 11 + index % 3, index / 3] == dark)
            #expect(version7[index / 3, version7.size - 11 + index % 3] == dark)
        }
    }

    @Test func formatInformation_secondCopyRepeatsTheFirst() {
        var matrix = QRMatrix(version: 1)
        matrix.drawFormat(ecc: .quartile, mask: 5)
        let size = matrix.size
        let first =
            [(8, 0), (8, 1), (8, 2), (8, 3), (8, 4), (8, 5), (8, 7), (8, 8), (7, 8)]
            + [(5, 8), (4, 8), (3, 8), (2, 8), (1, 8), (0, 8)]
        let second = (0..<8).map { (size - 1 - $0, 8) } + (8..<15).map { (8, size - 15 + $0) }
        #expect(first.map { matrix[$0.0, $0.1] } == second.map { matrix[$0.0, $0.1] })
    }

    @Test func placeCodewords_startsUpwardsFromTheBottomRightCorner() {
        var matrix = QRMatrix(version: 1)
        matrix.placeCodewords([0b1010_0000] + [UInt8](repeating: 0, count: 25))
        // Bits 1, 0, 1, 0 go to (20,20), (19,20), (20,19), (19,19).
        #expect(matrix[20, 20] && !matrix[19, 20] && matrix[20, 19] && !matrix[19, 19])
    }

    @Test func applyMask_twiceRestoresTheMatrixAndSparesFunctionModules() {
        var matrix = QRMatrix(version: 2)
        matrix.placeCodewords((0..<44).map { UInt8($0 * 37 & 0xFF) })
        let original = matrix
        for mask in 0..<8 {
            var masked = original
            masked.applyMask(mask)
            #expect(masked != original)
            #expect(masked[0, 0] == original[0, 0] && masked[6, 9] == original[6, 9])
            masked.applyMask(mask)
            #expect(masked == original)
        }
    }

    @Test func mask0_invertsModulesWithEvenCoordinateSum() {
        #expect(QRMatrix.maskInverts(0, x: 0, y: 0) && !QRMatrix.maskInverts(0, x: 1, y: 0))
        #expect(!QRMatrix.maskInverts(4, x: 3, y: 0) && QRMatrix.maskInverts(4, x: 0, y: 1))
        #expect(QRMatrix.maskInverts(7, x: 0, y: 0) && !QRMatrix.maskInverts(7, x: 1, y: 0))
    }
}
