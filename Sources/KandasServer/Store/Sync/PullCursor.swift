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
    ///
    /// Read from the text's bytes (every poll decodes its cursor, issue 15): a cursor is ASCII,
    /// and `String.split` walks grapheme clusters.
    static func decode(_ text: String, _ keys: Keys) -> PullCursor? {
        var text = text
        guard text.utf8.count <= 512 else { return nil }
        let parsed = text.withUTF8 { utf8 -> (body: [UInt8], mac: [UInt8])? in
            let bytes = UnsafeRawBufferPointer(utf8)
            let dot = UInt8(ascii: ".")
            guard let split = bytes.firstIndex(of: dot), !bytes[(split + 1)...].contains(dot),
                let body = Base64URL.decode(bytes: UnsafeRawBufferPointer(rebasing: bytes[..<split])),
                let mac = Base64URL.decode(bytes: UnsafeRawBufferPointer(rebasing: bytes[(split + 1)...]))
            else { return nil }
            return (body, mac)
        }
        guard let (body, mac) = parsed else { return nil }
        let expected = Array(HMAC.sha256(key: keys.key, message: body).prefix(16))
        guard constantTimeEqual(expected, mac) else { return nil }
        let fields = body.split(separator: UInt8(ascii: ".")).map { String(decoding: $0, as: UTF8.self) }
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
        // `userID:family,family,...` as bytes, and the hex of the digest's first 8 bytes: the same
        // 16 characters as a prefix of the whole hex, without the intermediate strings (every poll).
        var text: [UInt8] = []
        text.reserveCapacity(userID.utf8.count + 1 + families.reduce(0) { $0 + $1.utf8.count + 1 })
        text.append(contentsOf: userID.utf8)
        text.append(UInt8(ascii: ":"))
        for (i, family) in families.enumerated() {
            if i > 0 { text.append(UInt8(ascii: ",")) }
            text.append(contentsOf: family.utf8)
        }
        return Digest(bytes: Array(SHA256.hash(text).bytes.prefix(8))).hex
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

        /// The user's families, each with its newest family row (`changes_family`; `kid`: the feed stores
        /// UUIDs as blobs on SQLite, migration 0045).
        static let familyHeadsSQL =
            "SELECT fw.family_id, (SELECT max(c.seq) FROM changes c WHERE c.family_id = kid(fw.family_id)"
            + " AND c.device_id IS NULL) AS head FROM family_workers fw WHERE fw.user_id = ? ORDER BY fw.family_id"

        /// Reads the state on the caller's read transaction: one row of subqueries (keys, the
        /// device's newest row through `changes_device`, `last_device_seq`) and one row per
        /// assigned family with its newest row (`changes_family`, a max per family).
        ///
        /// `device` is the first statement's answer when the caller already has it (read with the
        /// device's token, ``AuthStore/deviceToken(_:tokenHash:withPullState:)``, on the same transaction).
        static func load(
            _ db: any DatabaseConnection, userID: String, deviceID: String, device known: DeviceState? = nil
        ) throws -> PageState {
            let device = try known ?? DeviceState.load(db, deviceID: deviceID)
            var head = device.deviceHead
            var families: [String] = []
            for family in try db.query(familyHeadsSQL, userID) {
                families.append(try family.string("family_id"))
                head = max(head, family.optionalInt("head") ?? 0)
            }
            return PageState(
                keys: Keys(epoch: device.epoch, key: Array(device.cursorKey.utf8)),
                scope: scopeHash(userID: userID, families: families), scopeHead: head,
                lastDeviceSeq: device.lastDeviceSeq)
        }
    }

    /// The part of ``PageState`` that depends on the device alone: the cursor keys, the device's
    /// `last_device_seq` and its newest own feed row (0 when none).
    struct DeviceState: Equatable {
        var epoch: String
        var cursorKey: String
        var lastDeviceSeq: Int64
        var deviceHead: Int64

        /// The device's newest feed row is read through `changes_device`.
        static let sql =
            "SELECT (SELECT value FROM sync_meta WHERE key = 'epoch') AS epoch,"
            + " (SELECT value FROM sync_meta WHERE key = 'cursor_key') AS cursor_key,"
            + " (SELECT last_device_seq FROM devices WHERE id = ?) AS last_device_seq,"
            + " (SELECT max(seq) FROM changes WHERE device_id = kid(?)) AS device_head"

        static func load(_ db: any DatabaseConnection, deviceID: String) throws -> DeviceState {
            guard let row = try db.queryOne(sql, deviceID, deviceID)
            else { throw DatabaseError(.other, "the pull state query returned no row") }
            return DeviceState(
                epoch: row.optionalString("epoch") ?? "", cursorKey: row.optionalString("cursor_key") ?? "",
                lastDeviceSeq: row.optionalInt("last_device_seq") ?? 0, deviceHead: row.optionalInt("device_head") ?? 0)
        }
    }
}
