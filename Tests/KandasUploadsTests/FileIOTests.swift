import Foundation
import Glibc
import HTTPServer
import KandasTestSupport
import Testing

@testable import KandasUploads

/// `FileIO.write`: whole blocks through an `O_DIRECT` descriptor, the rest buffered, the same bytes
/// on disk either way.
@Suite struct FileIOTests {
    /// A page-aligned buffer of `count` bytes starting `phase` bytes into its first block.
    final class Aligned {
        let storage: UnsafeMutableRawBufferPointer
        let bytes: UnsafeRawBufferPointer
        init(count: Int, phase: Int, seed: Int) {
            storage = .allocate(byteCount: count + phase, alignment: 4096)
            for i in 0..<(count + phase) { storage[i] = UInt8(truncatingIfNeeded: i &* 131 &+ seed) }
            bytes = UnsafeRawBufferPointer(rebasing: storage[phase..<(phase + count)])
        }
        deinit { storage.deallocate() }
    }

    /// Whether the folder is on ext4 or XFS, which take `O_DIRECT` on every kernel (tmpfs only
    /// since Linux 6.6): the page-cache expectations hold only there, and the fallback elsewhere.
    static func directIOExpected(_ path: String) -> Bool {
        // `stat -f` names ext4 (and ext2/3, same magic) "ext2/ext3".
        guard let name = try? ProcessRunner.run("/usr/bin/stat", ["-f", "-c", "%T", path]).output else { return false }
        return ["ext2/ext3", "xfs"].contains(name.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    func withFile(_ body: (String) throws -> Void) throws {
        let dir = TemporaryFolder(prefix: "kandas-fileio-test")
        defer { dir.remove() }
        try body(dir.file("partial"))
    }

    /// Writes pieces of the given sizes back to back, each at an address congruent to its file
    /// offset (as the HTTP engine hands them), and returns what the file holds.
    func writePieces(_ sizes: [Int], path: String, direct useDirect: Bool) throws -> (file: [UInt8], expected: [UInt8])
    {
        let fd = try FileIO.open(path, O_RDWR | O_CREAT)
        defer { close(fd) }
        var direct = useDirect ? FileIO.openDirect(path) : -1
        defer { if direct >= 0 { close(direct) } }
        var expected: [UInt8] = []
        var offset = 0
        for (i, n) in sizes.enumerated() {
            let piece = Aligned(count: n, phase: offset % 4096, seed: i)
            try FileIO.write(fd, direct: &direct, piece.bytes, at: Int64(offset), path: path)
            expected += piece.bytes
            offset += n
        }
        try FileIO.fsync(fd, path: path)
        return (try FileIO.pread(fd, count: offset + 10, at: 0, path: path), expected)
    }

    @Test func directAndBufferedWrites_storeTheSameBytes() throws {
        let sizes = [1 << 20, 4096, 100, 8192 + 77, 3, 65_536, 4093, 2 << 20, 1]
        try withFile { path in
            let result = try writePieces(sizes, path: path, direct: true)
            #expect(result.file == result.expected)
        }
        try withFile { path in
            let result = try writePieces(sizes, path: path, direct: false)
            #expect(result.file == result.expected)
        }
    }

    @Test func addressNotCongruentToTheOffset_isWrittenBuffered() throws {
        try withFile { path in
            let fd = try FileIO.open(path, O_RDWR | O_CREAT)
            defer { close(fd) }
            var direct = FileIO.openDirect(path)
            defer { if direct >= 0 { close(direct) } }
            let opened = direct
            let piece = Aligned(count: 3 * 4096, phase: 100, seed: 9)
            try FileIO.write(fd, direct: &direct, piece.bytes, at: 0, path: path)
            #expect(direct == opened)
            #expect(try FileIO.pread(fd, count: 3 * 4096, at: 0, path: path) == Array(piece.bytes))
        }
    }

    @Test func directDescriptorOnExt4OrXFS_isOpened() throws {
        // If this fails the upload path silently lost its fast writes.
        try withFile { path in
            let fd = try FileIO.open(path, O_RDWR | O_CREAT)
            close(fd)
            let direct = FileIO.openDirect(path)
            if Self.directIOExpected(path) { #expect(direct >= 0) }
            if direct >= 0 { close(direct) }
        }
    }

    @Test func wholeBlocks_bypassThePageCache() throws {
        try withFile { path in
            let fd = try FileIO.open(path, O_RDWR | O_CREAT)
            defer { close(fd) }
            var direct = FileIO.openDirect(path)
            defer { if direct >= 0 { close(direct) } }
            let piece = Aligned(count: 1 << 20, phase: 0, seed: 3)
            try FileIO.write(fd, direct: &direct, piece.bytes, at: 0, path: path)
            try FileIO.fsync(fd, path: path)
            // A buffered write leaves its pages cached; a direct one never puts them there.
            let map = mmap(nil, 1 << 20, PROT_READ, MAP_SHARED, fd, 0)!
            defer { munmap(map, 1 << 20) }
            var resident = [UInt8](repeating: 0, count: 256)
            #expect(mincore(map, 1 << 20, &resident) == 0)
            if Self.directIOExpected(path) { #expect(resident.filter { $0 & 1 != 0 }.count == 0) }
            #expect(try FileIO.pread(fd, count: 1 << 20, at: 0, path: path) == Array(piece.bytes))
        }
    }
}
