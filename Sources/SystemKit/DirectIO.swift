#if canImport(CLinux)
internal import CLinux

/// The `O_DIRECT` open flag, for modules that write large files without the page cache (Linux only).
///
/// Why here: Swift's Glibc module leaves out GNU extensions, and `CLinux` (which has them) is
/// imported by this module only. An `O_DIRECT` write skips the copy into the page cache and the
/// later writeback, which is most of the kernel's work when a body streams to disk; it needs the
/// memory address, the file offset and the length aligned to the device's logical block (the
/// HTTP engine keeps body bytes at addresses congruent to their body offset modulo ``blockSize``).
public enum DirectIO {
    /// `O_DIRECT` for `open(2)` on this architecture.
    public static var openFlag: Int32 { clinux_o_direct() }

    /// The block body bytes are kept congruent to; a multiple of every common logical block size.
    public static let blockSize = 4096
}
#endif
