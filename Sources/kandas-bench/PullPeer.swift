import Foundation
import KandasProtocol
import KandasStore

/// The peer of `kandas-bench sync`'s pull: the `sqlite3` CLI printing, with `.mode json`, the rows one
/// full pull of a fresh device returns, on a copy of the store taken after the push.
///
/// The rows are the change feed in the user's scope (rows of the families the user is assigned to),
/// only the latest row of each object (the `NOT EXISTS` pull uses, with the WHERE of the partial index
/// `changes_entity` stated as pull states it), each joined to the entity it carries,
/// one statement per kind; plans and items only when the plan is published. A fresh device has no
/// outcomes or receipts of its own, so the device-scoped kinds add nothing.
///
/// The feed's UUIDs are 16-byte blobs (migration 0045) and Debian's `sqlite3` (3.40) has neither the
/// server's `kid` nor `unhex`: the user's families are looked up before the timed runs and written into
/// the query as blob literals, so `changes_family` serves the scope as it serves the server's pull, and the
/// join to each entity formats `entity_id` back into its text (``text(_:)``). Since migration 0048 the
/// feed names kinds by code (`FeedCodes`): the statements say `c.entity = 0`, and `l.entity <> 1` as the
/// partial index's WHERE.
enum PullPeer {
    struct Result {
        var seconds: Double
        var rows: Int
    }

    static let kinds: [(entity: ChangeEntity, join: String)] = [
        (.family, "families x ON x.id = c.entity_id"),
        (.member, "members x ON x.id = c.entity_id"),
        (.plan, "plans x ON x.id = c.entity_id AND x.status = 'published'"),
        (.planItem, "plan_items x ON x.id = c.entity_id JOIN plans p ON p.id = x.plan_id AND p.status = 'published'"),
        (.completion, "completions x ON x.id = c.entity_id"),
        (.conflict, "conflicts x ON x.id = c.entity_id"),
        (.review, "reviews x ON x.id = c.entity_id"),
    ]

    /// The migration after which the feed's IDs are blobs.
    static let blobMigration = "0045-feed-ids-as-blobs"
    /// The migration after which the feed's kinds and ops are integer codes.
    static let codesMigration = "0048-feed-rows-compact"

    /// - Parameter runs: timed runs after the warm-up one; the shortest counts.
    static func run(database: String, directory: String, userID: String, runs: Int = 1) throws -> Result {
        let copy = directory + "/pull-peer.sqlite"
        _ = try runCommand("sqlite3", [database, ".backup '\(copy)'"])
        // A store from before 0045 (`KANDAS_BENCH_SERVER` of an older build) keeps text IDs.
        func applied(_ migration: String) throws -> Bool {
            try runCommand("sqlite3", [copy, "SELECT count(*) FROM schema_migrations WHERE name = '\(migration)'"])
                .standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "1"
        }
        let binary = try applied(blobMigration)
        // A store from before 0048 keeps the kinds' names.
        let coded = try applied(codesMigration)
        func entity(_ kind: ChangeEntity) -> String { coded ? "\(FeedCodes.code(kind))" : "'\(kind.rawValue)'" }
        let families = try runCommand(
            "sqlite3", [copy, "SELECT family_id FROM family_workers WHERE user_id = '\(userID)' ORDER BY family_id"]
        ).standardOutput.split(separator: "\n").map { binary ? try blobLiteral(String($0)) : "'\($0)'" }
        guard !families.isEmpty else { throw BenchmarkFailure(description: "the pull peer's user has no families") }
        var script = ".mode json\n"
        for kind in kinds {
            let join = binary ? kind.join.replacingOccurrences(of: "c.entity_id", with: text("c.entity_id")) : kind.join
            script +=
                "SELECT c.seq, c.entity, c.op, x.* FROM changes c JOIN \(join) WHERE c.entity = \(entity(kind.entity))"
                + " AND c.device_id IS NULL AND c.family_id IN (\(families.joined(separator: ",")))"
                + " AND NOT EXISTS(SELECT 1 FROM changes l WHERE l.entity_id = c.entity_id"
                + " AND l.seq > c.seq AND l.entity = c.entity AND l.entity <> \(entity(.eventOutcome))"
                + " AND l.device_id IS c.device_id) ORDER BY c.seq;\n"
        }
        let path = directory + "/pull-peer.sql"
        try script.write(toFile: path, atomically: false, encoding: .utf8)
        // Warm the page cache as the server's is warm after its push.
        _ = try runCommand("sqlite3", [copy, ".read '\(path)'"])
        var result = try runCommand("sqlite3", [copy, ".read '\(path)'"])
        for _ in 1..<max(1, runs) {
            let again = try runCommand("sqlite3", [copy, ".read '\(path)'"])
            if again.seconds < result.seconds { result = again }
        }
        // `.mode json` prints one row per line (`[{...},`, `{...},`, `{...}]`).
        let rows = result.standardOutput.split(separator: "\n").filter { $0.hasPrefix("{") || $0.hasPrefix("[{") }
            .count
        return Result(seconds: result.seconds, rows: rows)
    }

    /// `column` as the text the API spells: the canonical UUID of a blob ID, any other value as it is
    /// (what the server's `ktext` does), in the SQL the store's own triggers use for it
    /// (``ConsoleRollups/uuidText(_:)``), which the `sqlite3` CLI runs.
    static func text(_ column: String) -> String {
        "(" + ConsoleRollups.uuidText(column) + ")"
    }

    /// `X'…'`, the 16 bytes a canonical UUID is stored as (the server's `kid`).
    static func blobLiteral(_ uuid: String) throws -> String {
        let hex = uuid.filter { $0 != "-" }
        guard uuid.count == 36, hex.count == 32, hex.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
            throw BenchmarkFailure(description: "not a canonical UUID: \(uuid)")
        }
        return "X'\(hex)'"
    }
}
