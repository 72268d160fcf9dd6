import Foundation
import KandasTestSupport
import Testing

/// The real `kandas` executable as a subprocess, on a home seeded through the client core.
///
/// Needs the binary built (`swift build` or `swift test` builds it into `.build/debug/`); set
/// `KANDAS_BIN` to test another build.
@Suite struct KandasBinaryTests {
    static func binary() -> String {
        if let path = ProcessInfo.processInfo.environment["KANDAS_BIN"] { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/kandas").path
    }

    /// Runs the binary with `arguments` and the given environment; returns (status, stdout, stderr).
    static func run(_ arguments: [String], home: String) throws -> (status: Int32, out: String, err: String) {
        let outcome = try ProcessRunner.run(
            binary(), arguments + ["--home", home],
            environment: ["PATH": "/usr/bin:/bin", "HOME": home, "TZ": "UTC", "KANDAS_LANG": "ru"])
        return (outcome.status, outcome.output, outcome.errors)
    }

    @Test func binary_runsStatusFamiliesAndCompleteOffline() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: Self.binary()),
            "build kandas first: swift build --product kandas")
        let server = SeedServer()
        let harness = Harness()
        defer { harness.cleanup() }
        try await server.seed(home: harness.home)

        let status = try Self.run(["status", "--json"], home: harness.home)
        #expect(status.status == 0, "\(status.err)")
        #expect(status.out.contains("\"enrolled\" : true") && status.out.contains("\"outbox_events\" : 0"))

        let families = try Self.run(["families"], home: harness.home)
        #expect(families.status == 0 && families.out.contains("Ақсу"))

        let photo = try harness.file("photo.jpg")
        let item = String(server.items[0].id.description.suffix(8))
        let complete = try Self.run(
            ["complete", item, "--photo", photo, "--geo", "43.25,76.95,8", "--at", "2026-11-20 10:00", "--quiet"],
            home: harness.home)
        #expect(complete.status == 0, "\(complete.err)")
        #expect(complete.out.trimmingCharacters(in: .whitespacesAndNewlines).count == 36)

        let after = try Self.run(["status", "--json"], home: harness.home)
        #expect(after.out.contains("\"outbox_events\" : 1") && after.out.contains("\"files_pending\" : 1"))

        // Russian service names from KANDAS_LANG, and a usage error exits 64 from the real process too.
        let items = try Self.run(["items", "--pending"], home: harness.home)
        #expect(items.status == 0 && items.out.contains(item))
        #expect(try Self.run(["complete", item, "--geo", "north"], home: harness.home).status == 64)
        #expect(try Self.run(["sync"], home: harness.home).status == 1)
    }
}
