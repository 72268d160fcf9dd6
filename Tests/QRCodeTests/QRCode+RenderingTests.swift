import Testing

@testable import QRCode

@Suite struct QRCodeRenderingTests {
    @Test(arguments: [(-5, 1), (0, 1), (1, 1), (8, 8), (32, 32), (1000, 32)])
    func moduleSize_isClampedToTheAcceptedRange(requested: Int, used: Int) {
        #expect(QRCode.clampedModuleSize(requested) == used)
    }

    @Test func outOfRangeModuleSize_rendersTheClampedSize() throws {
        let code = try QRCode("kandas")
        #expect(code.png(moduleSize: 0) == code.png(moduleSize: 1))
        #expect(code.svg(moduleSize: 999) == code.svg(moduleSize: 32))
    }

    @Test func quietZone_isFourModulesOnEachSide() throws {
        let code = try QRCode("kandas")
        #expect(QRCode.quietZone == 4)
        #expect(code.sizeWithQuietZone == code.size + 8)
    }
}
