import Foundation
import KandasTestSupport
import Testing

@testable import KandasServer

/// Pull pages shrink while requests wait for a handler thread (Protocol §7.4, issue 15): a device
/// alone gets the page it asks for, a busy server sends smaller pages and `has_more`.
@Suite struct PullFairnessTests {
    @Test func aQuietServer_sendsThePageTheDeviceAskedFor() {
        #expect(PullHandler.pageLimit(requested: 1000, waiting: 0, busyWaiting: 8, busyPage: 250) == 1000)
        #expect(PullHandler.pageLimit(requested: 1000, waiting: 7, busyWaiting: 8, busyPage: 250) == 1000)
    }

    @Test func aBusyServer_sendsAtMostTheBusyPage() {
        #expect(PullHandler.pageLimit(requested: 1000, waiting: 8, busyWaiting: 8, busyPage: 250) == 250)
        #expect(PullHandler.pageLimit(requested: 1000, waiting: 190, busyWaiting: 8, busyPage: 250) == 250)
        // A smaller page than the busy one is kept as asked.
        #expect(PullHandler.pageLimit(requested: 100, waiting: 190, busyWaiting: 8, busyPage: 250) == 100)
        // 0 waiting requests as the threshold: always the busy page.
        #expect(PullHandler.pageLimit(requested: 1000, waiting: 0, busyWaiting: 0, busyPage: 3) == 3)
    }

    @Test func theSettings_parseWithTheirDefaultsAndRanges() throws {
        var config = ServerConfig()
        #expect(config.pullBusyWaiting == 8 && config.pullBusyPage == 250)
        _ = try ServerConfig.parse(
            arguments: ["--pull-busy-waiting", "0"], environment: ["KANDAS_PULL_BUSY_PAGE": "100"], into: &config,
            extraFlags: [])
        #expect(config.pullBusyWaiting == 0 && config.pullBusyPage == 100)
        for bad in [["--pull-busy-page", "0"], ["--pull-busy-page", "1001"], ["--pull-busy-waiting", "-1"]] {
            var untouched = ServerConfig()
            #expect(throws: CommandError.self) {
                _ = try ServerConfig.parse(arguments: bad, environment: [:], into: &untouched, extraFlags: [])
            }
            #expect(untouched == ServerConfig())
        }
    }

    /// Through the live server with the busy rule always on: a device asking for 1000 changes gets
    /// pages of at most 2, each saying `has_more` until the last, and the same snapshot as from a
    /// server that sends whole pages.
    @Test func busyPages_deliverTheSameSnapshotInSmallerPages() throws {
        let busy = try SyncFixture(arguments: ["--pull-busy-waiting", "0", "--pull-busy-page", "2"])
        defer { busy.server.cleanup() }
        let d = try busy.enroll("worker111")
        var sizes: [Int] = []
        var seqs: [Int] = []
        var kinds: [String: Int] = [:]
        while true {
            let r = try d.client.get("/v1/sync/pull?limit=1000" + (d.cursor.map { "&cursor=" + $0 } ?? ""))
            #expect(r.status == 200)
            let changes = r.object["changes"] as? [[String: Any]] ?? []
            sizes.append(changes.count)
            seqs += changes.compactMap { $0["seq"] as? Int }
            for c in changes { kinds[c["entity"] as? String ?? "", default: 0] += 1 }
            d.cursor = r.object["cursor"] as? String
            if r.object["has_more"] as? Bool != true { break }
            #expect(changes.count == 2)
        }
        #expect(sizes.count > 2 && sizes.allSatisfy { $0 <= 2 })
        #expect(seqs == seqs.sorted() && Set(seqs).count == seqs.count)
        let whole = try SyncFixture()
        defer { whole.server.cleanup() }
        let e = try whole.enroll("worker111")
        let (changes, _, pages) = try whole.pull(e, limit: 1000)
        #expect(pages == 1)
        var wholeKinds: [String: Int] = [:]
        for c in changes { wholeKinds[c["entity"] as? String ?? "", default: 0] += 1 }
        #expect(kinds == wholeKinds && seqs.count == changes.count)
    }
}
