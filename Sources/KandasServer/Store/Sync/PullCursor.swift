import Crypto
import Foundation
import KandasStore

/// The opaque pull cursor (Protocol §7.1): epoch, last delivered `seq` and scope hash, with an
/// HMAC-SHA256 under a key kept in the store, so a cursor the server did not issue is `invalid_cursor`.
struct PullCursor: Equatable {
    var epoch: String
    var seq: Int64
    var scope: String

    /// The store's feed epoch and cursor key (created by the `0005-sync` migration).
    struct Keys {
        var epoch: String
        var key: [UInt8]

        static func load(_ db: any DatabaseConnection) throws -> Keys {
            var values: [String: String] = [:]
            for row in try db.query("SELECT key, value FROM sync_meta") {
                values[try row.string("key")] = try row.string("value")
            }
            return Keys(epoch: values["epoch"] ?? "", key: Array((values["cursor_key"] ?? "").utf8))
        }
    }

    func encode(_ keys: Keys) -> String {
        let body = "c1.\(epoch).\(seq).\(scope)"
        let mac = HMAC.sha256(key: keys.key, message: Array(body.utf8)).prefix(16)
        return Base64URL.encode(body.utf8) + "." + Base64URL.encode(mac)
    }

    /// Decodes and authenticates a cursor; nil when it is not one this store issued.
    static func decode(_ text: String, _ keys: Keys) -> PullCursor? {
        // Split on the bytes: a cursor is ASCII, and `String.split` walks grapheme clusters.
        let dot = UInt8(ascii: ".")
        let parts = text.utf8.split(separator: dot, omittingEmptySubsequences: false)
        guard text.utf8.count <= 512, parts.count == 2, let body = Base64URL.decode(Substring(parts[0])),
            let mac = Base64URL.decode(Substring(parts[1]))
        else { return nil }
        let expected = Array(HMAC.sha256(key: keys.key, message: body).prefix(16))
        guard constantTimeEqual(expected, mac) else { return nil }
        let fields = body.split(separator: dot).map { String(decoding: $0, as: UTF8.self) }
        guard fields.count == 4, fields[0] == "c1", let seq = Int64(fields[2]), seq >= 0 else { return nil }
        return PullCursor(epoch: fields[1], seq: seq, scope: fields[3])
    }

    /// The scope hash: the user and the families it is assigned to (a change means `reset`, §7.3).
    static func scopeHash(_ db: any DatabaseConnection, userID: String) throws -> String {
        let families = try db.query(
            "SELECT family_id FROM family_workers WHERE user_id = ? ORDER BY family_id", userID
        ).map { try $0.string("family_id") }
        return scopeHash(userID: userID, families: families)
    }

    /// The scope hash of a user and its families, in `family_id` order.
    static func scopeHash(userID: String, families: [String]) -> String {
        let text = userID + ":" + families.joined(separator: ",")
        return String(SHA256.hash(Array(text.utf8)).hex.prefix(16))
    }

    /// What a pull reads before its page, in two statements: the cursor keys, the scope hash, the
    /// newest feed row the device may see, and the device's `last_device_seq`.
    ///
    /// A poll with nothing new is answered from this alone: when no row of the scope is newer than
    /// the cursor, the page query (which walks the whole feed after the cursor, other families'
    /// rows included) is not run.
    struct PageState {
        var keys: Keys
        var scope: String
        /// The highest `seq` of a feed row of the scope (the user's families' rows and this
        /// device's rows), superseded or not; 0 when there is none.
        var scopeHead: Int64
        var lastDeviceSeq: Int64

        /// Reads the state on the caller's read transaction: one row of subqueries (keys, the
        /// device's newest row through `changes_device`, `last_device_seq`) and one row per
        /// assigned family with its newest row (`changes_family`, a max per family).
        static func load(_ db: any DatabaseConnection, userID: String, deviceID: String) throws -> PageState {
            guard
                let row = try db.queryOne(
                    "SELECT (SELECT value FROM sync_meta WHERE key = 'epoch') AS epoch,"
                        + " (SELECT value FROM sync_meta WHERE key = 'cursor_key') AS cursor_key,"
                        + " (SELECT last_device_seq FROM devices WHERE id = ?) AS last_device_seq,"
                        + " (SELECT max(seq) FROM changes WHERE device_id = ?) AS device_head", deviceID, deviceID)
            else { throw DatabaseError(.other, "the pull state query returned no row") }
            var head = row.optionalInt("device_head") ?? 0
            var families: [String] = []
            for family in try db.query(
                "SELECT fw.family_id, (SELECT max(c.seq) FROM changes c WHERE c.family_id = fw.family_id"
                    + " AND c.device_id IS NULL) AS head FROM family_workers fw WHERE fw.user_id = ?"
                    + " ORDER BY fw.family_id", userID)
            {
                families.append(try family.string("family_id"))
                head = max(head, family.optionalInt("head") ?? 0)
            }
            return PageState(
                keys: Keys(
                    epoch: row.optionalString("epoch") ?? "", key: Array((row.optionalString("cursor_key") ?? "").utf8)),
                scope: scopeHash(userID: userID, families: families), scopeHead: head,
                lastDeviceSeq: row.optionalInt("last_device_seq") ?? 0)
        }
    }
}
