/// Reed-Solomon error-correction codewords over GF(256), as QR codes use them.
///
/// ISO/IEC 18004:2015 §7.5.2 and Annex A: the field is GF(2^8) modulo the primitive polynomial
/// x^8 + x^4 + x^3 + x^2 + 1 (0x11D), α = 2, and the generator polynomial of degree n is
/// (x - α^0)(x - α^1)…(x - α^(n-1)). The error-correction codewords are the remainder of the data
/// polynomial times x^n divided by that generator.
enum ReedSolomon {
    /// α^i for i in 0..<255, doubled in length so a product's exponent sum needs no modulo.
    private static let exponents: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 510)
        var value = 1
        for power in 0..<255 {
            table[power] = UInt8(value)
            table[power + 255] = UInt8(value)
            value <<= 1
            if value & 0x100 != 0 {
                value ^= 0x11D
            }
        }
        return table
    }()

    /// log_α(v) for v in 1...255; entry 0 is unused because zero has no logarithm.
    private static let logarithms: [Int] = {
        var table = [Int](repeating: 0, count: 256)
        for power in 0..<255 {
            table[Int(exponents[power])] = power
        }
        return table
    }()

    /// The product of two field elements.
    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        if a == 0 || b == 0 {
            return 0
        }
        return exponents[logarithms[Int(a)] + logarithms[Int(b)]]
    }

    /// The generator polynomial of the given degree, highest power first, without its leading 1.
    ///
    /// For degree 2 that is (x - 1)(x - 2) = x^2 + 3x + 2, returned as `[3, 2]`.
    static func generator(degree: Int) -> [UInt8] {
        // Coefficients of the monic product so far, highest power first, leading 1 implied.
        var coefficients = [UInt8](repeating: 0, count: degree)
        coefficients[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            // Multiply by (x - root): shift up one power, then add root times the old polynomial.
            for index in 0..<degree {
                coefficients[index] = multiply(coefficients[index], root)
                if index + 1 < degree {
                    coefficients[index] ^= coefficients[index + 1]
                }
            }
            root = multiply(root, 2)
        }
        return coefficients
    }

    /// The error-correction codewords for one block of data codewords.
    ///
    /// Polynomial long division, one data codeword at a time, with the running remainder in a
    /// register as long as the generator.
    static func remainder(of data: [UInt8], generator: [UInt8]) -> [UInt8] {
        var register = [UInt8](repeating: 0, count: generator.count)
        for byte in data {
            let factor = byte ^ register[0]
            register.removeFirst()
            register.append(0)
            for index in 0..<generator.count {
                register[index] ^= multiply(generator[index], factor)
            }
        }
        return register
    }
}
