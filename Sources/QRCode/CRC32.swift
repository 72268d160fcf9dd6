/// The CRC-32 of ISO 3309 / ITU-T V.42, as PNG chunks carry it (PNG spec §5.5, Annex D).
///
/// Reflected polynomial 0xEDB88320, initial value and final XOR 0xFFFFFFFF. Not a cryptographic
/// hash: it only detects accidental corruption of a chunk.
struct CRC32 {
    /// The CRC of every byte value, one table lookup per input byte.
    private static let table: [UInt32] = (0..<256).map { byte in
        var crc = UInt32(byte)
        for _ in 0..<8 {
            crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
        }
        return crc
    }

    /// The running register, complemented.
    private var register: UInt32 = 0xFFFF_FFFF

    /// A CRC over no bytes yet.
    init() {}

    /// Feeds more bytes.
    mutating func update(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            register = Self.table[Int((register ^ UInt32(byte)) & 0xFF)] ^ (register >> 8)
        }
    }

    /// The CRC of every byte fed so far.
    var value: UInt32 { register ^ 0xFFFF_FFFF }

    /// The CRC of `bytes`.
    static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc = CRC32()
        crc.update(bytes)
        return crc.value
    }
}
