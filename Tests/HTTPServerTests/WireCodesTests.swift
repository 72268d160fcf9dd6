import Foundation
import Testing

@testable import HTTPServer

/// Every problem code the engine can send is documented, with the same status, in the protocol's
/// error table (`Protocol/sync-v1.md` §15), so clients never meet an undocumented code.
@Test func everyEngineWireCode_isDocumentedWithItsStatus() throws {
    let text = try String(contentsOf: packageRoot().appendingPathComponent("Protocol/sync-v1.md"), encoding: .utf8)
    var documented: [String: String] = [:]
    for line in text.split(separator: "\n") where line.hasPrefix("| `") {
        let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        guard cells.count >= 2 else { continue }
        documented[cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))] = cells[1]
    }
    for (code, status) in HTTPError.wireCodes {
        #expect(documented[code] == String(status), "\(code) must be in Protocol/sync-v1.md §15 with status \(status)")
    }
}

/// Every `code:` literal in the engine's sources is a listed wire code or one of the few that never
/// reach the wire, so a new code cannot skip the protocol table.
@Test func everyCodeInTheEngineSources_isListed() throws {
    let notOnTheWire: Set<String> = ["listen_failed", "system_call_failed", "connection_closed"]
    let sources = packageRoot().appendingPathComponent("Sources/HTTPServer")
    let files = try FileManager.default.contentsOfDirectory(atPath: sources.path).filter { $0.hasSuffix(".swift") }
    let pattern = try NSRegularExpression(pattern: #"code\W{1,3}"([a-z_]+)""#)
    var found: Set<String> = []
    for file in files {
        let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
        let range = NSRange(text.startIndex..., in: text)
        for match in pattern.matches(in: text, range: range) {
            found.insert(String(text[Range(match.range(at: 1), in: text)!]))
        }
    }
    #expect(found.contains("bad_request"))
    for code in found.subtracting(notOnTheWire) {
        #expect(HTTPError.wireCodes[code] != nil, "\(code) is sent by the engine but not in HTTPError.wireCodes")
    }
}

private func packageRoot() -> URL {
    var root = URL(fileURLWithPath: #filePath)
    while !FileManager.default.fileExists(atPath: root.appendingPathComponent("Package.swift").path) {
        root.deleteLastPathComponent()
    }
    return root
}
