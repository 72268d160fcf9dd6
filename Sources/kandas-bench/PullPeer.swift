import Foundation

/// The peer of `kandas-bench sync`'s pull: the `sqlite3` CLI printing, with `.mode json`, the rows one
/// full pull of a fresh device returns, on a copy of the store taken after the push.
///
/// The rows are the change feed in the user's scope (rows of the families the user is assigned to),
/// only the latest row of each object (the `NOT EXISTS` pull uses, with the WHERE of the partial index
/// `changes_entity` stated as pull states it), each joined to the entity it carries,
/// one statement per kind; plans and items only when the plan is published. A fresh device has no
/// outcomes or receipts of its own, so the device-scoped kinds add nothing.
enum PullPeer {
    struct Result {
        var seconds: Double
        var rows: Int
    }

    static let kinds: [(entity: String, join: String)] = [
        ("family", "families x ON x.id = c.entity_id"),
        ("member", "members x ON x.id = c.entity_id"),
        ("plan", "plans x ON x.id = c.entity_id AND x.status = 'published'"),
        ("plan_item", "plan_items x ON x.id = c.entity_id JOIN plans p ON p.id = x.plan_id AND p.status = 'published'"),
        ("completion", "completions x ON x.id = c.entity_id"),
        ("conflict", "conflicts x ON x.id = c.entity_id"),
        ("review", "reviews x ON x.id = c.entity_id"),
    ]

    /// - Parameter runs: timed runs after the warm-up one; the shortest counts.
    static func run(database: String, directory: String, userID: String, runs: Int = 1) throws -> Result {
        let copy = directory + "/pull-peer.sqlite"
        _ = try runCommand("sqlite3", [database, ".backup '\(copy)'"])
        var script = ".mode json\n"
        for kind in kinds {
            script +=
                "SELECT c.seq, c.entity, c.op, x.* FROM changes c JOIN \(kind.join) WHERE c.entity = '\(kind.entity)'"
                + " AND c.device_id IS NULL AND c.family_id IN (SELECT family_id FROM family_workers WHERE user_id"
                + " = '\(userID)') AND NOT EXISTS(SELECT 1 FROM changes l WHERE l.entity_id = c.entity_id"
                + " AND l.seq > c.seq AND l.entity = c.entity AND l.entity <> 'event_outcome'"
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
}
