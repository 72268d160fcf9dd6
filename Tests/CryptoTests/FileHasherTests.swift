import Crypto
import Foundation
import Testing

@Suite struct FileHasherTests {
    /// Writes `bytes` to a fresh temporary folder and removes the folder afterwards.
    func withTemporaryFile(_ bytes: [UInt8], _ body: (String) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crypto-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("blob")
        try Data(bytes).write(to: file)
        try body(file.path)
    }

    @Test(arguments: [0, 1, 4095, 1 << 18, (1 << 18) + 17, 3 << 20])
    func hashingAFile_equalsHashingItsBytes(size: Int) throws {
        let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
        try withTemporaryFile(bytes) { path throws in
            #expect(try SHA256.hash(fileAt: path) == SHA256.hash(bytes))
            #expect(try SHA256.hash(fileAt: path, bufferSize: 1000) == SHA256.hash(bytes))
            #expect(try SHA1.hash(fileAt: path, bufferSize: 7) == SHA1.hash(bytes))
        }
    }

    @Test func hashingAFileDescriptor_startsAtItsOffset() throws {
        let bytes = Array("skip-abc".utf8)
        try withTemporaryFile(bytes) { path throws in
            let handle = try #require(FileHandle(forReadingAtPath: path))
            defer { try? handle.close() }
            try handle.seek(toOffset: 5)
            #expect(try SHA256.hash(fileDescriptor: handle.fileDescriptor) == SHA256.hash(Array("abc".utf8)))
        }
    }

    @Test func missingFile_throwsWithPathAndErrno() {
        let path = "/nonexistent-\(UUID().uuidString)/x"
        #expect {
            try SHA256.hash(fileAt: path)
        } throws: { error in
            guard let error = error as? CryptoError else { return false }
            return error.path == path && error.errno == ENOENT && error.operation == "open"
                && error.description.contains(path)
        }
    }

    @Test func directory_throwsReadError() throws {
        try withTemporaryFile([]) { path throws in
            let folder = (path as NSString).deletingLastPathComponent
            #expect {
                try SHA256.hash(fileAt: folder)
            } throws: { error in
                (error as? CryptoError)?.errno == EISDIR
            }
        }
    }
}
