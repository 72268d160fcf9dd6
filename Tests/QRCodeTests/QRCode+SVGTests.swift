import Testing

@testable import QRCode

@Suite struct QRCodeSVGTests {
    @Test func svg_isOneDocumentWithOnePathAndAQuietZone() throws {
        let svg = try QRCode("HELLO WORLD", ecc: .quartile).svg(moduleSize: 10)
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"290\" height=\"290\""))
        #expect(svg.contains("viewBox=\"0 0 29 29\""))
        #expect(svg.components(separatedBy: "<path").count == 2)
        #expect(svg.hasSuffix("</svg>\n"))
    }

    @Test func pathRectangles_coverExactlyTheDarkModules() throws {
        let code = try QRCode("kandas1:https://kandas.example.kz#ABCD-EFGH-JKLM-NPQR")
        let svg = code.svg()
        let start = try #require(svg.range(of: " d=\"")).upperBound
        let end = try #require(svg[start...].firstIndex(of: "\""))
        var covered = Set<[Int]>()
        for rectangle in svg[start..<end].split(separator: "z") {
            // "M{x} {y}h{run}v1h-{run}"
            let numbers = rectangle.split(whereSeparator: { "Mhv- ".contains($0) }).compactMap { Int($0) }
            try #require(numbers.count == 5 && numbers[3] == 1 && numbers[2] == numbers[4])
            for x in numbers[0]..<(numbers[0] + numbers[2]) {
                #expect(covered.insert([x - 4, numbers[1] - 4]).inserted, "module drawn twice")
            }
        }
        var dark = Set<[Int]>()
        for y in 0..<code.size {
            for x in 0..<code.size where code[x, y] {
                dark.insert([x, y])
            }
        }
        #expect(covered == dark)
    }
}
