import Foundation
import SystemKit
import Testing

@Suite struct DurableFileTests {
    private func folder() throws -> String {
        let path = NSTemporaryDirectory() + "systemkit-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private func names(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    }

    @Test func writeReplacesTheFileAndLeavesNoTemporaryName() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try DurableFile.write(Array("old".utf8), to: dir + "/f")
        try DurableFile.write(Array("new".utf8), to: dir + "/f")
        #expect(FileManager.default.contents(atPath: dir + "/f") == Data("new".utf8))
        #expect(try names(dir) == ["f"])
    }

    @Test func writeGivesTheAskedPermissionsWhateverTheUmask() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try DurableFile.write([1], to: dir + "/secret", permissions: 0o600)
        try DurableFile.write([1], to: dir + "/public", permissions: 0o644)
        let secret = try FileManager.default.attributesOfItem(atPath: dir + "/secret")
        let open = try FileManager.default.attributesOfItem(atPath: dir + "/public")
        #expect((secret[.posixPermissions] as? Int) == 0o600)
        #expect((open[.posixPermissions] as? Int) == 0o644)
    }

    @Test func createNeverReplacesAnExistingFile() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try DurableFile.write(Array("first".utf8), to: dir + "/f", placement: .create)
        #expect(throws: SystemError.self) {
            try DurableFile.write(Array("second".utf8), to: dir + "/f", placement: .create)
        }
        #expect(FileManager.default.contents(atPath: dir + "/f") == Data("first".utf8))
        #expect(try names(dir) == ["f"])
    }

    @Test func aFailedFillLeavesNothingBehind() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: SystemError.self) {
            try DurableFile.write(to: dir + "/f") { _, temporary throws(SystemError) in
                throw SystemError("write", path: temporary, errno: ENOSPC)
            }
        }
        #expect(try names(dir) == [])
    }

    @Test func copyCopiesEveryByte() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let bytes = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        _ = FileManager.default.createFile(atPath: dir + "/source", contents: Data(bytes))
        try DurableFile.copy(from: dir + "/source", to: dir + "/copy")
        #expect(FileManager.default.contents(atPath: dir + "/copy") == Data(bytes))
    }

    @Test func aMissingSourceIsAnErrorNamingIt() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            try DurableFile.copy(from: dir + "/none", to: dir + "/copy")
            Issue.record("copied a missing file")
        } catch {
            #expect(error.call == "open" && error.path == dir + "/none" && error.errno == ENOENT)
        }
        #expect(try names(dir) == [])
    }

    @Test func folderOfABareNameIsTheCurrentFolder() {
        #expect(DurableFile.folder(of: "f") == ".")
        #expect(DurableFile.folder(of: "/f") == "/")
        #expect(DurableFile.folder(of: "/a/b/f") == "/a/b")
    }
}

@Suite struct BlockingTests {
    @Test func runReturnsTheResultAndRethrowsTheError() async throws {
        let value = await Blocking.run { 6 * 7 }
        #expect(value == 42)
        await #expect(throws: SystemError.self) {
            try await Blocking.run { () throws(SystemError) -> Int in throw SystemError("read", errno: EIO) }
        }
    }
}
