/// The square of modules of one QR symbol while it is being built: function patterns, data, mask.
///
/// Coordinates are `(x, y)` = (column, row) from the top-left corner, as in ISO/IEC 18004:2015.
/// Modules are `true` when dark. `isFunction` marks modules that belong to finder, separator,
/// timing, alignment, format and version patterns: data never goes there and masks never touch them.
struct QRMatrix: Equatable {
    /// Modules per side.
    let size: Int
    /// Row-major module colours, `true` = dark.
    private(set) var modules: [Bool]
    /// Row-major flags for modules reserved by function patterns.
    private(set) var isFunction: [Bool]

    /// A symbol of `version` with every function pattern drawn and the format area reserved.
    ///
    /// The version information (versions 7 and up) is drawn here because it depends on nothing
    /// else; the format information waits for the mask and is drawn by ``drawFormat(ecc:mask:)``.
    init(version: Int) {
        size = QRTables.size(version: version)
        modules = [Bool](repeating: false, count: size * size)
        isFunction = [Bool](repeating: false, count: size * size)
        drawTimingPatterns()
        drawFinderPattern(centreX: 3, centreY: 3)
        drawFinderPattern(centreX: size - 4, centreY: 3)
        drawFinderPattern(centreX: 3, centreY: size - 4)
        drawAlignmentPatterns(version: version)
        // Reserve the format areas now so data placement skips them; real bits come with the mask.
        drawFormat(ecc: .medium, mask: 0)
        drawVersion(version)
    }

    /// The colour of the module at column `x`, row `y`.
    subscript(x: Int, y: Int) -> Bool {
        modules[y * size + x]
    }

    /// Whether the module at column `x`, row `y` belongs to a function pattern.
    func isFunction(x: Int, y: Int) -> Bool {
        isFunction[y * size + x]
    }

    private mutating func setFunction(x: Int, y: Int, dark: Bool) {
        modules[y * size + x] = dark
        isFunction[y * size + x] = true
    }

    /// §6.3.5: alternating row 6 and column 6, dark on even coordinates.
    private mutating func drawTimingPatterns() {
        for index in 0..<size {
            setFunction(x: 6, y: index, dark: index % 2 == 0)
            setFunction(x: index, y: 6, dark: index % 2 == 0)
        }
    }

    /// §6.3.3 and §6.3.4: a 7×7 finder (dark ring, light ring, dark 3×3 core) with its light separator.
    ///
    /// Drawn as the 9×9 square around the centre, clipped to the symbol; rings at Chebyshev distance
    /// 2 (inner light ring) and 4 (separator) are light.
    private mutating func drawFinderPattern(centreX: Int, centreY: Int) {
        for dy in -4...4 {
            for dx in -4...4 {
                let x = centreX + dx
                let y = centreY + dy
                guard x >= 0, x < size, y >= 0, y < size else { continue }
                let distance = max(abs(dx), abs(dy))
                setFunction(x: x, y: y, dark: distance != 2 && distance != 4)
            }
        }
    }

    /// §6.3.6: 5×5 alignment patterns at every pair of centres except the three finder corners.
    private mutating func drawAlignmentPatterns(version: Int) {
        let centres = QRTables.alignmentCentres(version: version)
        let last = centres.count - 1
        for (row, centreY) in centres.enumerated() {
            for (column, centreX) in centres.enumerated() {
                let onFinder =
                    (row == 0 && column == 0) || (row == 0 && column == last) || (row == last && column == 0)
                if onFinder { continue }
                for dy in -2...2 {
                    for dx in -2...2 {
                        setFunction(x: centreX + dx, y: centreY + dy, dark: max(abs(dx), abs(dy)) != 1)
                    }
                }
            }
        }
    }

    /// The 15-bit format information: level and mask, BCH(15,5) protected, XOR-masked (§7.9.1).
    static func formatBits(ecc: ErrorCorrection, mask: Int) -> Int {
        let data = ecc.formatBits << 3 | mask
        var remainder = data
        for _ in 0..<10 {
            // Generator x^10 + x^8 + x^5 + x^4 + x^2 + x + 1.
            remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537)
        }
        // The fixed mask keeps the format information from ever being all light.
        return (data << 10 | (remainder & 0x3FF)) ^ 0x5412
    }

    /// Draws both copies of the format information and the dark module (§7.9.1, Figure 25).
    mutating func drawFormat(ecc: ErrorCorrection, mask: Int) {
        let bits = Self.formatBits(ecc: ecc, mask: mask)
        func bit(_ index: Int) -> Bool { (bits >> index) & 1 == 1 }
        // First copy around the top-left finder: down column 8, then leftwards along row 8,
        // stepping over the timing pattern at row 6 and column 6.
        for index in 0...5 {
            setFunction(x: 8, y: index, dark: bit(index))
        }
        setFunction(x: 8, y: 7, dark: bit(6))
        setFunction(x: 8, y: 8, dark: bit(7))
        setFunction(x: 7, y: 8, dark: bit(8))
        for index in 9..<15 {
            setFunction(x: 14 - index, y: 8, dark: bit(index))
        }
        // Second copy split between the top-right (row 8) and bottom-left (column 8) finders.
        for index in 0..<8 {
            setFunction(x: size - 1 - index, y: 8, dark: bit(index))
        }
        for index in 8..<15 {
            setFunction(x: 8, y: size - 15 + index, dark: bit(index))
        }
        // §7.9.1: the module above the bottom-left copy is always dark.
        setFunction(x: 8, y: size - 8, dark: true)
    }

    /// The 18-bit version information: the version, BCH(18,6) protected (§7.10, Annex D).
    static func versionBits(_ version: Int) -> Int {
        var remainder = version
        for _ in 0..<12 {
            // Generator x^12 + x^11 + x^10 + x^9 + x^8 + x^5 + x^2 + 1.
            remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25)
        }
        return version << 12 | (remainder & 0xFFF)
    }

    /// Draws the two 6×3 version blocks beside the top-right and bottom-left finders (versions 7+).
    private mutating func drawVersion(_ version: Int) {
        guard version >= 7 else { return }
        let bits = Self.versionBits(version)
        for index in 0..<18 {
            let dark = (bits >> index) & 1 == 1
            let near = index / 3
            let far = size - 11 + index % 3
            setFunction(x: far, y: near, dark: dark)
            setFunction(x: near, y: far, dark: dark)
        }
    }

    /// Places codeword bits in the two-column zigzag from the bottom-right corner (§7.7.3).
    ///
    /// Columns are taken in pairs from the right, alternately upwards and downwards, skipping the
    /// vertical timing column and every function module. Modules left over after the last codeword
    /// are the remainder bits and stay light (before masking).
    mutating func placeCodewords(_ codewords: [UInt8]) {
        let bitCount = codewords.count * 8
        var bitIndex = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 {
                right = 5
            }
            let upward = (right + 1) & 2 == 0
            for step in 0..<size {
                let y = upward ? size - 1 - step : step
                for x in [right, right - 1] where !isFunction(x: x, y: y) && bitIndex < bitCount {
                    modules[y * size + x] = (codewords[bitIndex >> 3] >> UInt8(7 - (bitIndex & 7))) & 1 == 1
                    bitIndex += 1
                }
            }
            right -= 2
        }
    }

    /// Whether data mask `mask` inverts the module at column `x`, row `y` (§7.8.2, Table 10).
    static func maskInverts(_ mask: Int, x: Int, y: Int) -> Bool {
        switch mask {
        case 0: (x + y) % 2 == 0
        case 1: y % 2 == 0
        case 2: x % 3 == 0
        case 3: (x + y) % 3 == 0
        case 4: (x / 3 + y / 2) % 2 == 0
        case 5: x * y % 2 + x * y % 3 == 0
        case 6: (x * y % 2 + x * y % 3) % 2 == 0
        default: ((x + y) % 2 + x * y % 3) % 2 == 0
        }
    }

    /// Inverts the data modules selected by `mask`; applying the same mask twice restores the matrix.
    mutating func applyMask(_ mask: Int) {
        for y in 0..<size {
            for x in 0..<size where !isFunction(x: x, y: y) && Self.maskInverts(mask, x: x, y: y) {
                modules[y * size + x].toggle()
            }
        }
    }
}
