/// The capacity tables of QR Code Model 2 and the geometry derived from a version number.
///
/// ISO/IEC 18004:2015 Table 9 lists, per version and level, the error-correction codewords and the
/// block split; everything else (symbol size, raw module count, alignment centres) follows from the
/// version by formula, which the tests check against Table 1 and Annex E.
enum QRTables {
    /// The smallest and largest Model 2 versions.
    static let versions = 1...40

    /// Error-correction codewords per block, by level (L, M, Q, H) then version (index 0 unused).
    private static let eccCodewordsPerBlock: [[Int]] = [
        [
            -1, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26,
            28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
        ],
        [
            -1, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28,
            28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
        ],
        [
            -1, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30,
            28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
        ],
        [
            -1, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30,
            30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
        ],
    ]

    /// Number of error-correction blocks, by level (L, M, Q, H) then version (index 0 unused).
    private static let blockCounts: [[Int]] = [
        [
            -1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16,
            17, 18, 19, 19, 20, 21, 22, 24, 25,
        ],
        [
            -1, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28,
            29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49,
        ],
        [
            -1, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35,
            38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68,
        ],
        [
            -1, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42,
            45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81,
        ],
    ]

    /// Modules per side: 21 for version 1, four more per version (§6.3.1).
    static func size(version: Int) -> Int {
        17 + 4 * version
    }

    /// Modules left for codewords and remainder bits once every function pattern is placed.
    ///
    /// The whole square, less three finders with separators and format areas, timing rows, the
    /// alignment patterns (those crossing the timing rows counted once) and, from version 7, the two
    /// version-information blocks. Equals Table 1's "data modules except function patterns".
    static func rawDataModules(version: Int) -> Int {
        var modules = (16 * version + 128) * version + 64
        if version >= 2 {
            let perSide = version / 7 + 2
            modules -= (25 * perSide - 10) * perSide - 55
            if version >= 7 {
                modules -= 36
            }
        }
        return modules
    }

    /// Error-correction codewords in each block.
    static func eccCodewordsPerBlock(version: Int, ecc: ErrorCorrection) -> Int {
        eccCodewordsPerBlock[ecc.tableIndex][version]
    }

    /// Number of Reed-Solomon blocks the codewords are split into.
    static func blockCount(version: Int, ecc: ErrorCorrection) -> Int {
        blockCounts[ecc.tableIndex][version]
    }

    /// Data codewords (payload, terminator and padding) the symbol holds at this level.
    static func dataCodewords(version: Int, ecc: ErrorCorrection) -> Int {
        rawDataModules(version: version) / 8
            - eccCodewordsPerBlock(version: version, ecc: ecc) * blockCount(version: version, ecc: ecc)
    }

    /// Centre coordinates of the alignment patterns on each axis (Annex E, Table E.1).
    ///
    /// The first is always 6 and the last `size - 7`; the ones between are evenly spaced by an even
    /// step, rounded so the gap next to the first is the odd one out. Version 32 is the one version
    /// where the rounding in the table differs from the formula, so it is special-cased.
    static func alignmentCentres(version: Int) -> [Int] {
        guard version >= 2 else { return [] }
        let count = version / 7 + 2
        let last = size(version: version) - 7
        let step = version == 32 ? 26 : (version * 4 + count * 2 + 1) / (count * 2 - 2) * 2
        var centres = [6]
        for index in 1..<count {
            centres.append(last - (count - 1 - index) * step)
        }
        return centres
    }
}
