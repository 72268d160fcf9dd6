#if canImport(Glibc)
import Glibc
#endif

/// Hashes files with one reusable buffer and a `read(2)` loop (bounded memory, any file size).
public enum FileHasher {
    /// 256 KiB: measured by `kandas-bench hash` as the fastest read size on our 2-core VM,
    /// because the buffer stays in the L2 cache between `read` copying into it and SHA hashing it.
    public static let defaultBufferSize = 1 << 18

    static func hash(path: String, algorithm: DigestAlgorithm, bufferSize: Int) throws(CryptoError) -> Digest {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw CryptoError(operation: "open", path: path, errno: code, message: String(cString: strerror(code)))
        }
        defer { close(fd) }
        // Advice only: a failure changes nothing but read-ahead, so it is not an error.
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
        return try hash(fileDescriptor: fd, path: path, algorithm: algorithm, bufferSize: bufferSize)
    }

    static func hash(
        fileDescriptor fd: Int32, path: String?, algorithm: DigestAlgorithm, bufferSize: Int
    )
        throws(CryptoError) -> Digest
    {
        precondition(bufferSize > 0, "bufferSize must be positive")
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 4096)
        defer { buffer.deallocate() }
        var state = EVPDigestState(algorithm)
        while true {
            let count = read(fd, buffer.baseAddress, bufferSize)
            if count > 0 {
                state.update(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            } else if count == 0 {
                return state.finalize()
            } else if errno != EINTR {
                let code = errno
                throw CryptoError(operation: "read", path: path, errno: code, message: String(cString: strerror(code)))
            }
        }
    }
}
