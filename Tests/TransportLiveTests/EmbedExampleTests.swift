import Foundation
import KandasTestSupport
import Testing

/// The embedding guide's program (`kandas-embed-example`) run against the real server, as CI runs it.
@Suite struct EmbedExampleTests {
    @Test func embedExample_enrollsRecordsSyncsHoldsVideoOnMeteredAndFreesOnlyVerifiedMedia() async throws {
        let scene = try await LiveScene(.urlSession)
        defer { scene.cleanup() }
        let code = try #require(scene.server.seed?.codes["worker112"], "a second worker of the demo organisation")
        let photo = try scene.evidence("photo.jpg", size: 150_000)
        let video = try scene.evidence("video.mp4", size: 900_000, header: LiveScene.mp4Header)
        let home = scene.root + "/embed-home"
        let (status, output) = try await Self.run([
            "--home", home, "--payload", "kandas1:http://127.0.0.1:\(scene.server.port)#\(code)", "--photo", photo,
            "--video", video,
        ])
        #expect(status == 0, "\(output)")
        let last = try #require(output.split(separator: "\n").last.map(String.init))
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        #expect(summary["files"] as? Int == 2)
        #expect(summary["held_on_metered"] as? Int == 1)
        #expect(summary["verified_after_metered"] as? Int == 1)
        #expect(summary["verified"] as? Int == 2)
        #expect(summary["freed"] as? Int == 2)
        #expect(output.contains("1 of 2 files verified"))
        #expect(output.contains("2 of 2 files verified"))
        // The captured files are the app's; the store's copies are gone once verified.
        #expect(FileManager.default.fileExists(atPath: photo))
        let kept = try FileManager.default.contentsOfDirectory(atPath: home + "/files")
        #expect(kept.isEmpty, "\(kept)")
    }

    /// Runs the example built beside the tests; returns its exit status and standard output.
    static func run(_ arguments: [String]) async throws -> (Int32, String) {
        let binary = try binary()
        let outcome = try await Task.detached { try ProcessRunner.run(binary, arguments, mergeErrors: true) }.value
        return (outcome.status, outcome.output)
    }

    static func binary() throws -> String {
        var candidates: [String] = []
        if let exe = CommandLine.arguments.first {
            var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
            for _ in 0..<4 {
                candidates.append(dir.appendingPathComponent("kandas-embed-example").path)
                dir = dir.deletingLastPathComponent()
            }
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug/kandas-embed-example").path)
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw TestSupportError("kandas-embed-example not built; looked in \(candidates)")
        }
        return found
    }
}
