// libcrypto digests: the branch built where CryptoKit is absent (Linux, the tested one; Android with a
// libcrypto). Apple platforms use CryptoKitDigest.swift; Package.swift links CCrypto only off Apple.
#if !canImport(CryptoKit)
internal import CCrypto

extension DigestAlgorithm {
    /// libcrypto's static method table; never freed.
    var evp: OpaquePointer {
        switch self {
        case .sha256: EVP_sha256()
        case .sha1: EVP_sha1()
        }
    }
}

/// Owns one `EVP_MD_CTX`, freed in `deinit`.
///
/// Reference type so that the public value types (`SHA256`, `SHA1`) can share it copy-on-write:
/// a copy of the value shares the box until one of them mutates, which then duplicates the
/// context with `EVP_MD_CTX_copy_ex`.
final class EVPDigestBox {
    let context: OpaquePointer
    let algorithm: DigestAlgorithm

    init(_ algorithm: DigestAlgorithm) {
        guard let context = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new: out of memory") }
        // Initialisation of a built-in digest fails only when libcrypto itself is broken.
        guard EVP_DigestInit_ex(context, algorithm.evp, nil) == 1 else {
            fatalError("EVP_DigestInit_ex failed: \(libcryptoErrorString())")
        }
        self.context = context
        self.algorithm = algorithm
    }

    private init(copying other: EVPDigestBox) {
        guard let context = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new: out of memory") }
        guard EVP_MD_CTX_copy_ex(context, other.context) == 1 else {
            fatalError("EVP_MD_CTX_copy_ex failed: \(libcryptoErrorString())")
        }
        self.context = context
        self.algorithm = other.algorithm
    }

    deinit { EVP_MD_CTX_free(context) }

    func copy() -> EVPDigestBox { EVPDigestBox(copying: self) }

    func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        guard EVP_DigestUpdate(context, base, bytes.count) == 1 else {
            fatalError("EVP_DigestUpdate failed: \(libcryptoErrorString())")
        }
    }

    func finalize() -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(context, &output, &length) == 1 else {
            fatalError("EVP_DigestFinal_ex failed: \(libcryptoErrorString())")
        }
        output.removeSubrange(Int(length)...)
        return output
    }
}

/// The shared state machine behind `SHA256` and `SHA1`: a copy-on-write handle on a context.
struct DigestState {
    private var box: EVPDigestBox

    init(_ algorithm: DigestAlgorithm) { box = EVPDigestBox(algorithm) }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        if !isKnownUniquelyReferenced(&box) { box = box.copy() }
        box.update(bytes)
    }

    /// Finalizes a private context, so that other copies of the value stay usable.
    mutating func finalize() -> Digest {
        if !isKnownUniquelyReferenced(&box) { box = box.copy() }
        return Digest(bytes: box.finalize())
    }
}

/// Drains libcrypto's thread-local error queue into one line.
func libcryptoErrorString() -> String {
    var parts: [String] = []
    while case let code = ERR_get_error(), code != 0 {
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        parts.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
    return parts.isEmpty ? "unknown libcrypto error" : parts.joined(separator: "; ")
}
#endif
