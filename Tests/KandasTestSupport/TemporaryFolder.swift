import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A fresh folder under `/tmp` for one test, removed by ``remove()`` or at the latest when the
/// last reference goes away: the one temporary-folder helper of the tests.
public final class TemporaryFolder: Sendable {
    public let path: String

    /// Creates `/tmp/<prefix>-XXXXXX` (mode 0700).
    public init(prefix: String = "kandas-test") {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }

    deinit { remove() }

    /// Removes the folder and everything in it (again: no-op).
    public func remove() { try? FileManager.default.removeItem(atPath: path) }

    /// `path + "/" + name`.
    public func file(_ name: String) -> String { path + "/" + name }
}
