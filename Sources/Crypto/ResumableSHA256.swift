#if !canImport(CryptoKit)
internal import CCrypto

/// Streaming SHA-256 whose running state can be saved as bytes and restored, in another process
/// or on another machine, to go on hashing where it stopped.
///
/// Why: a tus upload on an object store is appended to by whichever server instance the client
/// reaches, across restarts; the whole-file digest must go on from the bytes already received
/// without reading them back. libcrypto's `SHA256_CTX` (the same block function, with the CPU's
/// SHA extensions, that EVP uses) is a plain struct, so its state can be written out; an
/// `EVP_MD_CTX` is opaque. A value type: a copy forks the hash (the context is copied with it).
///
/// ```swift
/// var hasher = ResumableSHA256()
/// hasher.update(firstChunk)
/// let saved = hasher.savedState          // store it
/// var later = try ResumableSHA256(savedState: saved)
/// later.update(secondChunk)
/// let digest = later.finalize()
/// ```
public struct ResumableSHA256: @unchecked Sendable {
    // @unchecked: SHA256_CTX is a C struct of integers, copied by value; no shared state.
    private var context = SHA256_CTX()

    public init() {
        SHA256_Init(&context)
    }

    /// Feeds raw bytes into the hash.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        SHA256_Update(&context, base, bytes.count)
    }

    /// Feeds a byte array into the hash.
    public mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

    /// The digest of everything fed so far; the value is consumed.
    public consuming func finalize() -> Digest {
        var output = [UInt8](repeating: 0, count: 32)
        SHA256_Final(&output, &context)
        return Digest(bytes: output)
    }

    /// How many bytes have been fed.
    public var byteCount: Int64 { Int64((UInt64(context.Nh) << 32 | UInt64(context.Nl)) >> 3) }

    /// The running state in a portable form (version 1): the eight chaining words and the bit
    /// count, big-endian, then the bytes of the unfinished block (0-63 of them).
    public var savedState: [UInt8] {
        var out: [UInt8] = [Self.formatVersion]
        withUnsafeBytes(of: context.h) { words in
            for word in words.bindMemory(to: UInt32.self) { out += Self.bigEndian(UInt64(word), bytes: 4) }
        }
        out += Self.bigEndian(UInt64(context.Nh) << 32 | UInt64(context.Nl), bytes: 8)
        let pending = Int(context.num)
        withUnsafeBytes(of: context.data) { out += $0.prefix(pending) }
        return out
    }

    /// Restores a hash saved with ``savedState``.
    ///
    /// - Throws: ``CryptoError`` when the bytes are not a saved state of this format, or are
    ///   inconsistent (the unfinished block's size must match the bit count).
    public init(savedState bytes: [UInt8]) throws(CryptoError) {
        guard bytes.count >= 41, bytes.count <= 41 + 63, bytes[0] == Self.formatVersion else {
            throw CryptoError(operation: "restore SHA-256 state", message: "not a saved SHA-256 state")
        }
        SHA256_Init(&context)
        var words: [UInt32] = []
        for i in 0..<8 { words.append(UInt32(truncatingIfNeeded: Self.readBigEndian(bytes, at: 1 + 4 * i, count: 4))) }
        let bits = Self.readBigEndian(bytes, at: 33, count: 8)
        let pending = bytes.count - 41
        guard bits % 8 == 0, Int((bits >> 3) % 64) == pending else {
            throw CryptoError(operation: "restore SHA-256 state", message: "inconsistent saved SHA-256 state")
        }
        withUnsafeMutableBytes(of: &context.h) { raw in
            let h = raw.bindMemory(to: UInt32.self)
            for i in 0..<8 { h[i] = words[i] }
        }
        context.Nl = UInt32(truncatingIfNeeded: bits)
        context.Nh = UInt32(truncatingIfNeeded: bits >> 32)
        context.num = UInt32(pending)
        withUnsafeMutableBytes(of: &context.data) { raw in
            for i in 0..<pending { raw[i] = bytes[41 + i] }
        }
    }

    static let formatVersion: UInt8 = 1

    private static func bigEndian(_ value: UInt64, bytes: Int) -> [UInt8] {
        (0..<bytes).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64(bytes - 1 - $0))) }
    }

    private static func readBigEndian(_ bytes: [UInt8], at start: Int, count: Int) -> UInt64 {
        var value: UInt64 = 0
        for i in 0..<count { value = value << 8 | UInt64(bytes[start + i]) }
        return value
    }
}
#endif
