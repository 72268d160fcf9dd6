import Testing

@testable import QRCode

@Suite struct QRTablesTests {
    @Test func size_growsByFourModulesPerVersion() {
        #expect(QRTables.size(version: 1) == 21)
        #expect(QRTables.size(version: 40) == 177)
    }

    @Test(arguments: [(1, 208), (2, 359), (6, 1383), (7, 1568), (14, 4651), (40, 29648)])
    func rawDataModules_matchTable1(version: Int, modules: Int) {
        #expect(QRTables.rawDataModules(version: version) == modules)
    }

    @Test(arguments: [
        (1, [19, 16, 13, 9]), (5, [108, 86, 62, 46]), (10, [274, 216, 154, 122]), (40, [2956, 2334, 1666, 1276]),
    ])
    func dataCodewords_matchTable7(version: Int, perLevel: [Int]) {
        let levels: [ErrorCorrection] = [.low, .medium, .quartile, .high]
        #expect(levels.map { QRTables.dataCodewords(version: version, ecc: $0) } == perLevel)
    }

    @Test(arguments: [
        (1, []), (2, [6, 18]), (7, [6, 22, 38]), (14, [6, 26, 46, 66]), (32, [6, 34, 60, 86, 112, 138]),
        (36, [6, 24, 50, 76, 102, 128, 154]), (40, [6, 30, 58, 86, 114, 142, 170]),
    ])
    func alignmentCentres_matchTableE1(version: Int, centres: [Int]) {
        #expect(QRTables.alignmentCentres(version: version) == centres)
    }
}
