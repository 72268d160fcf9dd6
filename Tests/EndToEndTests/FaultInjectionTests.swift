import Foundation
import KandasTestSupport
import Testing

/// A device syncing through a ``FaultProxy`` that cuts connections at seeded random byte offsets during
/// pushes, pulls and uploads: `kandas sync` is repeated until it succeeds, and then the server holds
/// exactly the device's data (the same completions, no duplicates, the same file hashes).
@Suite(.serialized) struct FaultInjectionTests {
    @Test(arguments: [UInt64(11), 29])
    func syncThroughRandomCuts_endsWithTheServerHoldingExactlyTheDevicesData(seed: UInt64) throws {
        let site = try FieldSite()
        defer { site.cleanup() }
        let proxy = try FaultProxy(targetPort: site.server.port)
        defer { proxy.stop() }
        let code = try #require(site.seed.codes["worker111"])
        let device = try site.enrolledDevice("tablet", code: code, url: "http://127.0.0.1:\(proxy.port)")

        // Every open item done once (one device: no conflicts), each with a photo; some with a video or a PDF.
        var recorded: Set<String> = []
        for (index, item) in try device.items().enumerated() {
            let id = try #require(item["id"] as? String)
            var arguments = [
                "complete", String(id.prefix(8)), "--geo", "43.2\(index),76.9", "--note", "visit \(index)", "--json",
                "--photo",
                try site.evidence("p\(index).jpg", .jpeg, size: 150_000 + index * 40_000, seed: UInt64(index)),
            ]
            if index % 3 == 0 {
                arguments += [
                    "--video", try site.evidence("v\(index).mp4", .mp4, size: 1_200_000, seed: 100 + UInt64(index)),
                ]
            }
            if index % 4 == 1 {
                arguments += ["--doc", try site.evidence("d\(index).pdf", .pdf, seed: 200 + UInt64(index))]
            }
            recorded.insert(try #require(try device.ok(arguments).object["completion_id"] as? String))
        }
        try #require(recorded.count >= 5, "the demo plan should give this worker several items")

        // Each new connection is cut with probability 0.75 (curl keeps a connection alive, so faults hit
        // reconnections), in a random direction. Offsets up to 24 KiB hit push bodies, pull responses and the first bytes of upload chunks.
        // The first run is always cut mid-upload (photos are over 150 KB, so upstream bytes reach the offset
        // whatever the responses weigh, gzip-encoded or not); the random policy takes over after it.
        try proxy.setPolicy(.cutAfter(bytes: 40 << 10, direction: .upstream))
        _ = try device.run(["sync", "--json"])
        try proxy.setPolicy(.random(seed: seed, probability: 0.75, maxBytes: 24 << 10))
        var done = false
        var runs = 0
        while !done && runs < 25 {
            runs += 1
            let result = try device.run(["sync", "--json"])
            let status = try device.status()
            done =
                result.status == 0 && status["outbox_events"] as? Int == 0 && status["files_pending"] as? Int == 0
                && status["files_failed"] as? Int == 0
        }
        #expect(done, "sync never completed in \(runs) runs under faults")
        #expect(proxy.counters.faults > 0, "the proxy injected no fault: \(proxy.counters)")
        print("fault injection seed \(seed): \(runs) sync run(s), \(proxy.counters)")

        // What the device believes: its completions and the receipts' verified hashes.
        try proxy.setPolicy(.none)
        _ = try device.ok(["sync", "--json"])
        let localFiles = try device.ok(["files", "--json"]).array
        let receipts = try device.ok(["receipts", "--json"]).array
        let receiptHashes = Set(
            receipts.flatMap { $0["files"] as? [[String: Any]] ?? [] }.compactMap { file -> String? in
                guard let id = file["attachment_id"] as? String, let hash = file["sha256"] as? String else {
                    return nil
                }
                return id + " " + hash
            })
        let localHashes = Set(
            localFiles.compactMap { file -> String? in
                guard let id = file["attachment_id"] as? String, let hash = file["sha256"] as? String else {
                    return nil
                }
                return id + " " + hash
            })
        #expect(receiptHashes == localHashes, "receipts differ from the files recorded")

        // What the server holds for this worker: the same completions once each, the same verified files.
        let api = try site.adminAPI()
        let worker = try #require(site.seed.users["worker111"]?.id)
        let listed = try api.get("/v1/admin/completions?worker_id=\(worker)&limit=500")
        #expect(listed.status == 200, "\(listed)")
        let completions = listed.object["items"] as? [[String: Any]] ?? []
        let ids = completions.compactMap { $0["id"] as? String }
        #expect(ids.count == Set(ids).count, "duplicate completions on the server")
        #expect(Set(ids) == recorded)
        let serverFiles = completions.flatMap { $0["files"] as? [[String: Any]] ?? [] }
        let serverHashes = Set(
            serverFiles.compactMap { file -> String? in
                guard file["upload_state"] as? String == "verified", let id = file["attachment_id"] as? String,
                    let hash = file["sha256"] as? String
                else { return nil }
                return id + " " + hash
            })
        #expect(serverHashes == localHashes, "server files: \(serverFiles.count), local: \(localHashes.count)")
        // Every declared file arrived and was verified (what the evidence is is Rules 2, paras 36-37's business).
        #expect(
            completions.allSatisfy { !(($0["evidence_missing"] as? [String]) ?? ["?"]).contains("unverified_files") })
    }
}
