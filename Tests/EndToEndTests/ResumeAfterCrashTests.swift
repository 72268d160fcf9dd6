import Foundation
import KandasTestSupport
import Testing

/// The server is killed (SIGKILL) in the middle of a large upload; after a restart, `kandas sync`
/// finishes the file from the server's offset, and the bytes sent twice are at most one chunk.
@Suite(.serialized) struct ResumeAfterCrashTests {
    @Test func serverKilledMidUpload_nextSyncCompletesTheFile_resendingAtMostOneChunk() throws {
        let site = try FieldSite()
        defer { site.cleanup() }
        // The proxy (no faults) keeps the address the device enrolled with when the restarted server's port changes.
        let proxy = try FaultProxy(targetPort: site.server.port)
        defer { proxy.stop() }
        let code = try #require(site.seed.codes["worker111"])
        let device = try site.enrolledDevice("tablet", code: code, url: "http://127.0.0.1:\(proxy.port)")
        let item = String(try #require(try device.onceOnlyItem()["id"] as? String).prefix(8))
        let size = 64 << 20
        let video = try site.evidence("long.mp4", .mp4, size: size, seed: 64)
        _ = try device.ok(["complete", item, "--video", video, "--geo", "43.2,76.9,5", "--json"])
        let limits = try site.server.client.get("/v1/limits").object
        let chunk = max(64 << 10, min(8 << 20, limits["max_chunk_bytes"] as? Int ?? (8 << 20)))

        // Crash once a few chunks are through but well before the end.
        let running = try device.start(["sync", "--json"])
        var crashedAt = 0
        for _ in 0..<60_000 where running.isRunning {
            let sent = proxy.counters.bytesUpstream
            if sent > size / 3 {
                site.server.crash()
                crashedAt = sent
                break
            }
            usleep(1000)
        }
        let first = running.finish()
        try #require(crashedAt > 0, "the upload ended before the crash: \(first)")
        #expect(first.status == 1, "\(first)")

        try site.server.restart()
        proxy.retarget(to: site.server.port)
        let upstreamBefore = proxy.counters.bytesUpstream
        let second = try device.ok(["sync", "--json"]).object
        #expect(second["files_uploaded"] as? Int == 1, "\(second)")
        #expect(second["files_failed"] as? Int == 0)
        let secondSent = second["upload_bytes_sent"] as? Int ?? 0
        #expect(secondSent > 0 && secondSent < size, "the second sync resumed rather than restarted: \(secondSent)")

        // The per-file counter covers both syncs, the cut PATCH included.
        let file = try #require(try device.ok(["files", "--json"]).array.first { $0["kind"] as? String == "video" })
        let sent = try #require(file["bytes_sent"] as? Int)
        let sentTwice = sent - size
        print(
            "resume after crash: crashed after \(crashedAt) B upstream, second sync sent \(secondSent) B, proxy upstream \(proxy.counters.bytesUpstream) B, sent twice \(sentTwice) B, chunk \(chunk) B"
        )
        #expect(sentTwice >= 0, "fewer bytes sent than the file holds: \(sent)")
        #expect(sentTwice <= chunk, "sent \(sentTwice) bytes twice; a chunk is \(chunk)")

        // The proxy's byte counters agree: everything that reached the server, requests of both syncs,
        // exceeds the file by at most a chunk plus the small push, pull and tus requests around it.
        let upstream = proxy.counters.bytesUpstream
        #expect(upstream - size <= chunk + (256 << 10), "upstream \(upstream) for a \(size)-byte file")
        #expect(upstream - upstreamBefore >= size - crashedAt, "the second sync resent less than was missing")

        // Verified: the receipt lists the file with the hash recorded at capture.
        let receipts = try device.ok(["receipts", "--json"]).array
        let verified = receipts.flatMap { $0["files"] as? [[String: Any]] ?? [] }
        #expect(
            verified.contains {
                $0["attachment_id"] as? String == file["attachment_id"] as? String
                    && $0["sha256"] as? String == file["sha256"] as? String && $0["size"] as? Int == size
            })
    }
}
