/// The Adler-32 checksum that ends a zlib stream (RFC 1950 §2.2, §8.2).
///
/// Two sums modulo 65521, the largest prime below 2^16: `a` of the bytes plus one, `b` of the
/// successive values of `a`. Not a cryptographic hash.
struct Adler32 {
    private static let modulus: UInt32 = 65521
    /// Bytes that can be summed before `b` could overflow 32 bits (zlib's NMAX).
    private static let chunk = 5552

    private var a: UInt32 = 1
    private var b: UInt32 = 0

    /// A checksum over no bytes yet.
    init() {}

    /// Feeds more bytes.
    mutating func update(_ bytes: [UInt8]) {
        var start = 0
        while start < bytes.count {
            let end = min(start + Self.chunk, bytes.count)
            for byte in bytes[start..<end] {
                a += UInt32(byte)
                b += a
            }
            a %= Self.modulus
            b %= Self.modulus
            start = end
        }
    }

    /// The checksum of every byte fed so far, `b` in the high half.
    var value: UInt32 { b << 16 | a }

    /// The Adler-32 of `bytes`.
    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var adler = Adler32()
        adler.update(bytes)
        return adler.value
    }
}
