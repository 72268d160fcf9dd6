import Foundation
import Testing

@testable import KandasProtocol

/// Parses the error table of `sync-v1.md` §15: `| \`code\` | 401 | meaning |`, `—` for event-only codes.
private func specTable() throws -> [String: Int?] {
    let text = try ProtocolFolder.text("sync-v1.md")
    guard let start = text.range(of: "## 15. Error codes"), let end = text.range(of: "## 16. Limits") else {
        Issue.record("sections 15/16 not found")
        return [:]
    }
    var table: [String: Int?] = [:]
    for line in text[start.upperBound..<end.lowerBound].split(separator: "\n") {
        let cells = line.split(separator: "|", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard cells.count >= 4, cells[1].hasPrefix("`"), cells[1].hasSuffix("`") else { continue }
        let code = String(cells[1].dropFirst().dropLast())
        #expect(table[code] == nil, "\(code) listed twice")
        table[code] = cells[2] == "—" ? nil : Int(cells[2])
        if cells[2] != "—" { #expect(Int(cells[2]) != nil, "\(code): status \(cells[2])") }
    }
    return table
}

@Test func everyErrorCode_isInTheSpecTableWithTheSameStatus_andViceVersa() throws {
    let table = try specTable()
    let codes = Set(ErrorCode.allCases.map(\.rawValue))
    #expect(Set(table.keys).subtracting(codes).sorted() == [], "in sync-v1.md but not in ErrorCode")
    #expect(codes.subtracting(table.keys).sorted() == [], "in ErrorCode but not in sync-v1.md")
    for code in ErrorCode.allCases {
        if let status = table[code.rawValue] {
            #expect(status == code.httpStatus, "\(code.rawValue): spec \(String(describing: status))")
        }
    }
}

@Test func problemTypeAndTitle_derivedFromTheCode() {
    #expect(ErrorCode.batchTooLarge.typeURI == "urn:kandas:problem:batch_too_large")
    #expect(ErrorCode.batchTooLarge.title == "Batch too large")
    let problem = Problem(.uploadOffsetMismatch, detail: "x")
    #expect(problem.status == 409)
    #expect(problem.errorCode == .uploadOffsetMismatch)
}
