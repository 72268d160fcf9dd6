import Foundation
import Testing

/// Source rules of the client core that keep it linkable by phone apps (issue 19) and its SQL in one
/// place (issue 11): read from the source tree next to these tests.
@Suite struct PortabilityTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    /// The Swift files of a module, by name relative to `Sources/`.
    static func files(_ module: String) throws -> [(name: String, lines: [Substring])] {
        let folder = sources.appendingPathComponent(module)
        let names = try FileManager.default.subpathsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") }
        return try names.sorted().map { name in
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            return (module + "/" + name, text.split(separator: "\n", omittingEmptySubsequences: false))
        }
    }

    @Test(arguments: ["KandasClient", "SQLiteKit", "Crypto", "KandasProtocol", "KandasDomain", "Log"])
    func platformModules_areImportedOnlyInsideTheirCanImportBranch(module: String) throws {
        let platformOnly = ["Glibc", "Musl", "Android", "Darwin", "CLinux", "CCurl", "CryptoKit", "CommonCrypto"]
        for (name, lines) in try Self.files(module) {
            for (index, line) in lines.enumerated() {
                let words = line.split(separator: " ")
                guard let imported = words.last.map(String.init), words.contains("import"),
                    platformOnly.contains(imported) || imported == "CCrypto" || imported == "Security"
                else { continue }
                // The nearest preceding directive must be a branch on this module or a sibling (the CryptoKit
                // branch imports Darwin, Security and CommonCrypto; the libcrypto branch CCrypto).
                let directive = lines[..<index].last {
                    $0.hasPrefix("#if") || $0.hasPrefix("#elseif") || $0.hasPrefix("#else")
                }
                #expect(directive != nil, "\(name):\(index + 1) imports \(imported) outside a platform branch")
            }
        }
    }

    @Test func clientSQL_livesOnlyInClientStoreFiles() throws {
        let statement = try Regex(#""[^"]*(SELECT|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM)"#)
        for (name, lines) in try Self.files("KandasClient") where !name.contains("ClientStore") {
            for (index, line) in lines.enumerated() {
                #expect(line.firstMatch(of: statement) == nil, "\(name):\(index + 1) holds SQL outside ClientStore")
            }
        }
    }
}
