import Synchronization

/// `?`-to-`$n` rewrites of the store's SQL, kept so each constant statement is rewritten once.
final class NumberedSQLCache: Sendable {
    private let table = Mutex<[String: String]>([:])
    private let capacity = 4096

    func numbered(_ sql: String) -> String {
        if let hit = table.withLock({ $0[sql] }) { return hit }
        let rewritten = numberedPlaceholders(sql)
        table.withLock { table in
            // Store SQL is a fixed set; a flood of distinct texts (dynamic IN lists) only empties the cache.
            if table.count >= capacity { table.removeAll() }
            table[sql] = rewritten
        }
        return rewritten
    }
}
