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
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard text.utf8.count <= 512, parts.count == 2, let body = Base64URL.decode(parts[0]),
            let mac = Base64URL.decode(parts[1])
        else { return nil }
        let expected = Array(HMAC.sha256(key: keys.key, message: body).prefix(16))
        guard constantTimeEqual(expected, mac) else { return nil }
        let fields = String(decoding: body, as: UTF8.self).split(separator: ".").map(String.init)
        guard fields.count == 4, fields[0] == "c1", let seq = Int64(fields[2]), seq >= 0 else { return nil }
        return PullCursor(epoch: fields[1], seq: seq, scope: fields[3])
    }

    /// The scope hash: the user and the families it is assigned to (a change means `reset`, §7.3).
    static func scopeHash(_ db: any DatabaseConnection, userID: String) throws -> String {
        let families = try db.query(
            "SELECT family_id FROM family_workers WHERE user_id = ? ORDER BY family_id", userID
        ).map { try $0.string("family_id") }
        let text = userID + ":" + families.joined(separator: ",")
        return String(SHA256.hash(Array(text.utf8)).hex.prefix(16))
    }
}
