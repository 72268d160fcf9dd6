/// The mask evaluation of ISO/IEC 18004:2015 §7.8.3: lower scores are easier to scan.
extension QRMatrix {
    /// Penalty weights N1 to N4 of §7.8.3.1.
    private enum Weight {
        static let run = 3
        static let block = 3
        static let finderLike = 40
        static let balance = 10
    }

    /// Dark-light-dark-dark-dark-light-dark: the 1:1:3:1:1 profile of a finder pattern's centre line.
    private static let finderCore: [Bool] = [true, false, true, true, true, false, true]

    /// The total penalty of the matrix as it stands (mask and format information applied).
    func penalty() -> Int {
        var total = 0
        for index in 0..<size {
            let row = (0..<size).map { self[$0, index] }
            let column = (0..<size).map { self[index, $0] }
            total += Self.runPenalty(row) + Self.runPenalty(column)
            total += Self.finderLikePenalty(row) + Self.finderLikePenalty(column)
        }
        return total + blockPenalty() + balancePenalty()
    }

    /// Rule 1: each run of five or more same-coloured modules costs N1 plus one per module beyond five.
    static func runPenalty(_ line: [Bool]) -> Int {
        var total = 0
        var runLength = 0
        var previous: Bool?
        for module in line {
            if module == previous {
                runLength += 1
            } else {
                previous = module
                runLength = 1
            }
            if runLength == 5 {
                total += Weight.run
            } else if runLength > 5 {
                total += 1
            }
        }
        return total
    }

    /// Rule 3: each finder-like pattern in a line costs N3.
    ///
    /// A pattern is the 1:1:3:1:1 core with four light modules before or after it: data that looks
    /// like this makes a scanner's finder search see a fourth finder. A core with light on both sides
    /// counts once. The line is padded with four light modules on each side because the quiet zone
    /// around the symbol is light too, so a core touching the edge counts.
    static func finderLikePenalty(_ line: [Bool]) -> Int {
        let quiet = [Bool](repeating: false, count: 4)
        let padded = quiet + line + quiet
        var total = 0
        for start in 4...(padded.count - 4 - finderCore.count) {
            guard padded[start..<(start + finderCore.count)].elementsEqual(finderCore) else { continue }
            let lightBefore = !padded[(start - 4)..<start].contains(true)
            let end = start + finderCore.count
            let lightAfter = !padded[end..<(end + 4)].contains(true)
            if lightBefore || lightAfter {
                total += Weight.finderLike
            }
        }
        return total
    }

    /// Rule 2: each 2×2 block of one colour costs N2 (overlapping blocks each count).
    func blockPenalty() -> Int {
        var total = 0
        for y in 0..<(size - 1) {
            for x in 0..<(size - 1) {
                let colour = self[x, y]
                if colour == self[x + 1, y] && colour == self[x, y + 1]
                    && colour == self[x + 1, y + 1]
                {
                    total += Weight.block
                }
            }
        }
        return total
    }

    /// Rule 4: N4 for every full 5 % step the dark proportion lies away from 50 %.
    func balancePenalty() -> Int {
        Self.balancePenalty(darkModules: modules.count(where: { $0 }), totalModules: modules.count)
    }

    /// Rule 4 for a given count: k = floor(|dark / total − 50 %| / 5 %), in integers.
    static func balancePenalty(darkModules: Int, totalModules: Int) -> Int {
        abs(darkModules * 20 - totalModules * 10) / totalModules * Weight.balance
    }
}
