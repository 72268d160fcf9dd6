import Testing

@testable import KandasCLI

/// Issue 14 finding 4: a file the server refused for good is shown with its reason, not retried.
@Suite struct StatusRefusedTests {
    @Test func refusedFiles_areCountedByReason_andSaidNotToBeRetried() {
        let line = StatusCommand.refusedLine(["unknown_attachment", "upload_too_large", "unknown_attachment", nil])
        #expect(
            line == "4 (1 refused, 2 unknown_attachment, 1 upload_too_large) — kept here, not retried; see kandas files"
        )
    }
}
