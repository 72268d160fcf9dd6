import Testing

@testable import QRCode

@Suite struct QRMatrixPenaltyTests {
    static func line(_ pattern: String) -> [Bool] {
        pattern.map { $0 == "#" }
    }

    @Test func runsShorterThanFive_costNothing() {
        #expect(QRMatrix.runPenalty(Self.line("#.#.##..####....#")) == 0)
    }

    @Test func runOfFive_costsThree_andEachModuleBeyondOneMore() {
        #expect(QRMatrix.runPenalty(Self.line(".#####.")) == 3)
        #expect(QRMatrix.runPenalty(Self.line(".#######.")) == 5)
        #expect(QRMatrix.runPenalty(Self.line("#####.....")) == 6)
    }

    @Test func finderCoreWithFourLightModulesAfter_costs40() {
        #expect(QRMatrix.finderLikePenalty(Self.line("##.###.#....#")) == 40)
    }

    @Test func finderCoreAtTheEdge_countsBecauseTheQuietZoneIsLight() {
        #expect(QRMatrix.finderLikePenalty(Self.line("#.###.##")) == 40)
    }

    @Test func finderCoreWithoutLightSurroundings_costsNothing() {
        #expect(QRMatrix.finderLikePenalty(Self.line("#..#.###.#..#")) == 0)
        #expect(QRMatrix.finderLikePenalty(Self.line("#.#.###..#")) == 0)
    }

    @Test func finderCoreLightOnBothSides_countsOnce() {
        #expect(QRMatrix.finderLikePenalty(Self.line("#....#.###.#....#")) == 40)
    }

    @Test(arguments: [(50, 0), (45, 10), (55, 10), (54, 0), (60, 20), (0, 100), (100, 100)])
    func darkProportion_costsTenPerFullFivePercentFromHalf(percent: Int, penalty: Int) {
        #expect(QRMatrix.balancePenalty(darkModules: percent, totalModules: 100) == penalty)
    }

    @Test func blockPenalty_countsEveryTwoByTwoSquareOfOneColour() {
        // A bare version 1 matrix: count the squares by hand and compare.
        let matrix = QRMatrix(version: 1)
        var squares = 0
        for y in 0..<20 {
            for x in 0..<20 {
                let colours = [matrix[x, y], matrix[x + 1, y], matrix[x, y + 1], matrix[x + 1, y + 1]]
                if Set(colours).count == 1 {
                    squares += 1
                }
            }
        }
        #expect(squares > 0)
        #expect(matrix.blockPenalty() == 3 * squares)
    }
}
