import Testing

@testable import QRCode

@Suite struct ReedSolomonTests {
    @Test func multiply_reducesByThePrimitivePolynomial() {
        // 0x80 · 2 = x^8 ≡ x^4 + x^3 + x^2 + 1 = 0x1D modulo 0x11D.
        #expect(ReedSolomon.multiply(0x80, 2) == 0x1D)
        #expect(ReedSolomon.multiply(0, 0x53) == 0)
        #expect(ReedSolomon.multiply(1, 0x53) == 0x53)
        #expect(ReedSolomon.multiply(0x53, 0xCA) == ReedSolomon.multiply(0xCA, 0x53))
    }

    @Test func everyNonZeroElement_hasAnInverse() {
        for a in 1...255 {
            let products = (1...255).map { ReedSolomon.multiply(UInt8(a), UInt8($0)) }
            #expect(products.contains(1), "no inverse for \(a)")
        }
    }

    @Test func generatorOfDegree2_isXMinus1TimesXMinus2() {
        // (x − 1)(x − 2) = x² + 3x + 2 in GF(256), where minus is plus.
        #expect(ReedSolomon.generator(degree: 2) == [3, 2])
    }

    @Test func generatorOfDegree7_matchesAnnexA() {
        // ISO/IEC 18004 Annex A: α^0 x^7 + α^87 x^6 + α^229 x^5 + α^146 x^4 + α^149 x^3 + α^238 x^2
        // + α^102 x + α^21, i.e. these field values.
        #expect(ReedSolomon.generator(degree: 7) == [127, 122, 154, 164, 11, 68, 117])
    }

    @Test func remainderOfHelloWorld1Q_isTheKnownErrorCorrection() {
        let data: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236]
        let ecc = ReedSolomon.remainder(of: data, generator: ReedSolomon.generator(degree: 13))
        #expect(ecc == [168, 72, 22, 82, 217, 54, 156, 0, 46, 15, 180, 122, 16])
    }

    @Test func codewordWithItsRemainder_isDivisibleByTheGenerator() {
        // Data followed by its error correction is a multiple of the generator: remainder zero.
        let data: [UInt8] = Array("kandas enrollment".utf8)
        let generator = ReedSolomon.generator(degree: 22)
        let ecc = ReedSolomon.remainder(of: data, generator: generator)
        #expect(ReedSolomon.remainder(of: data + ecc, generator: generator) == [UInt8](repeating: 0, count: 22))
        var corrupted = data + ecc
        corrupted[3] ^= 0x40
        #expect(ReedSolomon.remainder(of: corrupted, generator: generator) != [UInt8](repeating: 0, count: 22))
    }
}
