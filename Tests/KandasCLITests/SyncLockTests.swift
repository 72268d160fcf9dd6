import Foundation
import Testing

@testable import KandasCLI

@Suite struct SyncLockTests {
    @Test func secondLockOnTheSameHome_isRefused_untilTheFirstIsReleased() throws {
        let home = NSTemporaryDirectory() + "kandas-lock-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: home) }
        var first: SyncLock? = try SyncLock(home: home)
        let error = try #require(throws: CLIError.self) { try SyncLock(home: home) }
        #expect(error.code == "sync_running")
        withExtendedLifetime(first) {}
        first = nil
        #expect(throws: Never.self) { try SyncLock(home: home) }
    }
}
