import Testing

@testable import QRCode

@Suite struct QRCodeTests {
    /// "HELLO WORLD" at 1-Q with mask 0, as an independent encoder (Python segno) draws it.
    static let helloWorld1QMask0 = [
        "#######.##....#######",
        "#.....#.#..#..#.....#",
        "#.###.#.#..##.#.###.#",
        "#.###.#.#.....#.###.#",
        "#.###.#.#.#...#.###.#",
        "#.....#...#...#.....#",
        "#######.#.#.#.#######",
        "........#............",
        ".##.#.##....#.#.#####",
        ".#......####....#...#",
        "..##.###.##...#.##...",
        ".##.##.#..##.#.#.###.",
        "#...#.#.#.###.###.#.#",
        "........##.#..#...#.#",
        "#######.#.#....#.##..",
        "#.....#..#.##.##.#...",
        "#.###.#.#.#...#######",
        "#.###.#..#.#.#.#...#.",
        "#.###.#.#..#.###.#..#",
        "#.....#.#.####...#.##",
        "#######....#.###....#",
    ]

    static func picture(_ code: QRCode) -> [String] {
        (0..<code.size).map { y in String((0..<code.size).map { x in code[x, y] ? "#" : "." }) }
    }

    @Test func helloWorld1Q_dataCodewordsMatchTheStandardExample() {
        // The worked example of ISO/IEC 18004 Annex I style tutorials (Thonky): alphanumeric mode,
        // count 11, five pairs and one single, terminator, then pads 0xEC 0x11 0xEC.
        let data = QRCode.dataCodewords(Segment("HELLO WORLD"), version: 1, ecc: .quartile)
        #expect(data == [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236])
    }

    @Test func helloWorld1Q_codewordSequenceIsDataThenErrorCorrection() {
        let data = QRCode.dataCodewords(Segment("HELLO WORLD"), version: 1, ecc: .quartile)
        let all = QRCode.interleavedCodewords(data, version: 1, ecc: .quartile)
        #expect(all == data + [168, 72, 22, 82, 217, 54, 156, 0, 46, 15, 180, 122, 16])
    }

    @Test func helloWorld1Q_matrixMatchesReferenceEncoder() throws {
        let code = try QRCode("HELLO WORLD", ecc: .quartile)
        #expect(code.version == 1)
        #expect(code.size == 21)
        #expect(code.mask == 0)
        #expect(Self.picture(code) == Self.helloWorld1QMask0)
    }

    @Test func interleaving_takesOneCodewordFromEachBlockInTurn() {
        // Version 5-Q: two blocks of 15 then two of 16 data codewords, 18 EC codewords each.
        let data = (0..<62).map { UInt8($0) }
        let all = QRCode.interleavedCodewords(data, version: 5, ecc: .quartile)
        #expect(all.count == QRTables.rawDataModules(version: 5) / 8)
        #expect(Array(all.prefix(8)) == [0, 15, 30, 46, 1, 16, 31, 47])
        // After 15 rounds only the two long blocks have a codeword left: 45 and 61.
        #expect(Array(all[60..<62]) == [45, 61])
        let firstBlockECC = ReedSolomon.remainder(of: Array(data[0..<15]), generator: ReedSolomon.generator(degree: 18))
        #expect(all[62] == firstBlockECC[0])
        #expect(all[66] == firstBlockECC[1])
    }

    @Test(arguments: [
        (ErrorCorrection.low, 17, 1), (.low, 18, 2), (.medium, 14, 1), (.medium, 15, 2),
        (.quartile, 11, 1), (.high, 7, 1), (.high, 8, 2), (.medium, 2331, 40), (.high, 1273, 40),
    ])
    func byteCapacity_selectsTheSmallestVersionThatFits(ecc: ErrorCorrection, bytes: Int, version: Int) throws {
        let code = try QRCode(String(repeating: "a", count: bytes), ecc: ecc)
        #expect(code.version == version)
        #expect(code.size == 17 + 4 * version)
    }

    @Test func alphanumericPayload_holdsMoreCharactersThanByteMode() throws {
        // Table 7: version 1-L holds 25 alphanumeric characters but only 17 bytes.
        #expect(try QRCode(String(repeating: "A", count: 25), ecc: .low).version == 1)
        #expect(try QRCode(String(repeating: "a", count: 25), ecc: .low).version == 2)
        #expect(try QRCode(String(repeating: "A", count: 4296), ecc: .low).version == 40)
    }

    @Test(arguments: [(ErrorCorrection.low, 2953), (.medium, 2331), (.quartile, 1663), (.high, 1273)])
    func payloadBeyondVersion40_throwsPayloadTooLong(ecc: ErrorCorrection, maximum: Int) {
        #expect(QRCode.maximumByteCount(ecc: ecc) == maximum)
        #expect(throws: QRCodeError.payloadTooLong(byteCount: maximum + 1, maximumByteCount: maximum, ecc: ecc)) {
            try QRCode(String(repeating: "a", count: maximum + 1), ecc: ecc)
        }
    }

    @Test func payloadTooLong_countsUTF8BytesNotCharacters() {
        // "Қ" is two UTF-8 bytes: 1,200 of them are 2,400 bytes, over the 2,331 of level M.
        #expect(throws: QRCodeError.payloadTooLong(byteCount: 2400, maximumByteCount: 2331, ecc: .medium)) {
            try QRCode(String(repeating: "Қ", count: 1200))
        }
        let error = QRCodeError.payloadTooLong(byteCount: 2400, maximumByteCount: 2331, ecc: .medium)
        #expect(error.description.contains("2400") && error.description.contains("2331"))
    }

    @Test func defaultLevel_isMedium() throws {
        #expect(try QRCode("kandas").ecc == .medium)
    }

    @Test func emptyPayload_encodesInVersion1() throws {
        let code = try QRCode("")
        #expect(code.version == 1)
        #expect(code[8, code.size - 8])
    }

    @Test func subscriptOutsideTheSymbol_isLight() throws {
        let code = try QRCode("HELLO WORLD", ecc: .quartile)
        #expect(code[0, 0])
        #expect(!code[-1, 0] && !code[0, -1] && !code[21, 0] && !code[0, 21] && !code[-4, -4])
    }

    @Test(arguments: [
        "HELLO WORLD", "kandas1:https://kandas.example.kz#ABCD-EFGH-JKLM-NPQR", String(repeating: "z", count: 300),
    ])
    func chosenMask_hasTheLowestPenalty(text: String) throws {
        let chosen = try QRCode(text)
        let segment = Segment(text)
        let data = QRCode.dataCodewords(segment, version: chosen.version, ecc: .medium)
        var matrix = QRMatrix(version: chosen.version)
        matrix.placeCodewords(QRCode.interleavedCodewords(data, version: chosen.version, ecc: .medium))
        let penalties = (0..<8).map { mask in
            var candidate = matrix
            candidate.applyMask(mask)
            candidate.drawFormat(ecc: .medium, mask: mask)
            return candidate.penalty()
        }
        #expect(penalties[chosen.mask] == penalties.min())
        #expect(penalties.firstIndex(of: penalties.min()!) == chosen.mask)
    }

    @Test func sameInput_givesTheSameSymbol() throws {
        #expect(try QRCode("kandas") == QRCode("kandas"))
        #expect(try QRCode("kandas") != QRCode("kandas", ecc: .high))
    }
}
