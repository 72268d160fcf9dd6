import Foundation
import KandasStore
import KandasTestSupport
import Testing

/// `ConsoleRollups.PushCounts` adds, per counter and family, exactly the sums of the completions it
/// was told about minus those of rolled-back events: checked against a plain model for pushes
/// that switch region, centre, week and family back and forth (its slot cache must never mix them up).
@Suite struct PushCountsTests {
    static let tables = StoreMigration("0001-console-tables") { db in
        try db.execute(
            """
            CREATE TABLE console_counts(
              region_id TEXT NOT NULL, career_centre_id TEXT NOT NULL, metric TEXT NOT NULL,
              bucket INTEGER NOT NULL, n INTEGER NOT NULL,
              PRIMARY KEY(metric, region_id, career_centre_id, bucket)) WITHOUT ROWID, STRICT;
            CREATE TABLE console_family_counts(family_id TEXT PRIMARY KEY, active INTEGER NOT NULL) WITHOUT ROWID, STRICT;
            """)
    }

    @Test func counts_equalAPlainModel_acrossMixedGroupsRollbacksAndBatches() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pushcounts-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let engine = try SQLiteEngine(path: dir + "/a.sqlite", migrations: [Self.tables])
        defer { engine.close() }

        var generator = SplitMix64(state: 15)
        var model: [String: Int64] = [:]
        var families: [String: Int64] = [:]
        let regions = ["region-a", "region-b"]
        let centres = ["centre-1", "centre-2", "centre-3"]
        let names = ["family-x", "family-y", "family-z"]
        for _ in 0..<6 {
            try engine.writeSync { db in
                let counts = try ConsoleRollups.PushCounts.start(db)
                for _ in 0..<Int(generator.next() % 60) {
                    counts.beginEvent()
                    var pending: [String: Int64] = [:]
                    var pendingFamilies: [String: Int64] = [:]
                    // Mostly one completion an event, sometimes two (a rollback takes both out).
                    for _ in 0..<(generator.next() % 4 == 0 ? 2 : 1) {
                        // Runs of one group, with switches (and switches back) in between.
                        let region = regions[Int(generator.next() % 5 == 0 ? 1 : 0)]
                        let centre = centres[Int(generator.next() % 3)]
                        let family = names[Int(generator.next() % 3)]
                        let receivedAt = Int64(1_790_000_000_000 + Int(generator.next() % 3) * 604_800_000)
                        let located = generator.next() % 2 == 0
                        let incomplete = generator.next() % 3 == 0
                        counts.inserted(
                            region: region, centre: centre, family: family, receivedAt: receivedAt,
                            located: located, incomplete: incomplete)
                        let week = (receivedAt + ConsoleRollups.weekShift) / ConsoleRollups.week
                        var metrics = [("received", week), ("active:pending", Int64(0))]
                        if located { metrics.append(("located", 0)) }
                        if incomplete { metrics.append(("incomplete", 0)) }
                        for (metric, bucket) in metrics {
                            pending["\(metric) \(region) \(centre) \(bucket)", default: 0] += 1
                        }
                        pendingFamilies[family, default: 0] += 1
                    }
                    if generator.next() % 7 == 0 {
                        counts.rollBackEvent()
                    } else {
                        model.merge(pending, uniquingKeysWith: +)
                        families.merge(pendingFamilies, uniquingKeysWith: +)
                    }
                }
                try counts.write(db)
            }
        }
        let stored = try engine.readSync { db in
            try db.query("SELECT metric, region_id, career_centre_id, bucket, n FROM console_counts").map { r in
                (
                    "\(try r.string("metric")) \(try r.string("region_id")) \(try r.string("career_centre_id"))"
                        + " \(try r.int("bucket"))", try r.int("n")
                )
            }
        }
        let storedFamilies = try engine.readSync { db in
            try db.query("SELECT family_id, active FROM console_family_counts").map { r in
                (try r.string("family_id"), try r.int("active"))
            }
        }
        #expect(!model.isEmpty)
        #expect(Dictionary(uniqueKeysWithValues: stored) == model.filter { $0.value != 0 })
        #expect(Dictionary(uniqueKeysWithValues: storedFamilies) == families.filter { $0.value != 0 })
    }
}
