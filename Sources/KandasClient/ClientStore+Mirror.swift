import Foundation
import KandasProtocol
import SQLiteKit

extension ClientStore {
    /// Applies pull pages in one transaction together with the cursor, so the cursor never runs ahead
    /// of what is stored. With `reset`, the mirror is wiped first (the outbox and files are kept).
    func applyPull(_ pages: [PullResponse], reset: Bool, now: Timestamp) async throws(ClientError) -> Int {
        try await write { db in
            if reset { try Self.wipeMirror(db) }
            var applied = 0
            for page in pages {
                for change in page.changes { applied += try Self.apply(db, change, now: now) }
            }
            guard let last = pages.last else { return applied }
            // Only after the last page: an event's effects may sit on a later page (sync-v1 §7.2).
            if !last.hasMore { try Self.reflect(db, lastDeviceSeq: last.lastDeviceSeq, now: now) }
            try Self.set(db, .cursor, last.cursor)
            return applied
        }
    }

    /// Wipes the mirror and the pull cursor together (the outbox and files stay).
    func resetMirror() async throws(ClientError) {
        try await write { db in
            try Self.wipeMirror(db)
            try Self.set(db, .cursor, nil)
        }
    }

    /// Deletes every mirror row; the next pull starts from scratch. The outbox is untouched.
    static func wipeMirror(_ db: Connection) throws {
        for table in mirrorTables.values.sorted() { try db.run("DELETE FROM \(table)") }
    }

    /// Applies one change; returns 1 when it touched a known entity, 0 for entities this build skips.
    static func apply(_ db: Connection, _ change: Change, now: Timestamp) throws -> Int {
        guard let entity = change.knownEntity, let table = mirrorTables[entity] else { return 0 }
        guard change.op == .put, let data = change.data else {
            try db.run("DELETE FROM \(table) WHERE id = ?", change.id.description)
            return 1
        }
        let text: String
        switch data {
        case .family(let value): text = try JSONCoding.text(value)
        case .member(let value): text = try JSONCoding.text(value)
        case .plan(let value): text = try JSONCoding.text(value)
        case .planItem(let value): text = try JSONCoding.text(value)
        case .completion(let value): text = try JSONCoding.text(value)
        case .conflict(let value): text = try JSONCoding.text(value)
        case .review(let value): text = try JSONCoding.text(value)
        case .eventOutcome(let value):
            text = try JSONCoding.text(value)
            try recordOutcome(db, value, now: now)
        case .receipt(let value):
            text = try JSONCoding.text(value)
            try applyReceipt(db, value, now: now)
        case .unknown: return 0
        }
        try db.run(
            "INSERT INTO \(table)(id, data) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET data = excluded.data",
            change.id.description, text)
        return 1
    }

    /// Records each listed file's server state (sync-v1 §11) and acts on it: `verified` lets the device free
    /// the file; `corrupt` or `expired` sends it back to `pending` without an upload URL, so the next upload
    /// creates a new tus upload from the local copy (§10.5, §10.6). Only the newest receipt counts: a mirror
    /// reset replays older ones, which must not undo a later state, and replays the newest one, which must
    /// not act twice (a corrupt receipt replayed during the new upload would throw its progress away). A
    /// file already freed, failed or with other bytes (sha256) is left alone.
    static func applyReceipt(_ db: Connection, _ receipt: Receipt, now: Timestamp) throws {
        let issued = receipt.issuedAt.millisecondsSince1970
        for file in receipt.files {
            let id = file.attachmentID.description
            let changed = try db.run(
                """
                UPDATE files SET server_state = ?, server_state_at = ?
                WHERE attachment_id = ? AND sha256 = ? AND (server_state_at IS NULL OR server_state_at < ?
                    OR (server_state_at = ? AND server_state IS NOT ?))
                """, file.uploadState.rawValue, issued, id, file.sha256, issued, issued, file.uploadState.rawValue)
            guard changed > 0 else { continue }
            switch file.uploadState {
            case .verified:
                try db.run(
                    """
                    UPDATE files SET state = 'verified', verified_at = ?, last_error = NULL
                    WHERE attachment_id = ? AND state IN ('pending', 'uploading', 'uploaded')
                    """, (file.verifiedAt ?? now).millisecondsSince1970, id)
            case .corrupt, .expired:
                try db.run(
                    """
                    UPDATE files SET state = 'pending', upload_url = NULL, verified_at = NULL, last_error = ?
                    WHERE attachment_id = ? AND state IN ('uploading', 'uploaded', 'verified')
                    """, "server_" + file.uploadState.rawValue, id)
            case .declared, .receiving:
                break
            }
        }
    }

    /// Events up to the server's `last_device_seq` are in the mirror now: stop overlaying them. Pending ones
    /// among them were applied although their push response was lost; they count as sent. Rows are kept
    /// (not deleted) as the device's history and the quarantine list; `reflected` takes them out of the view.
    ///
    /// One statement per window of `reflectWindow` seqs: inside the pull's transaction SQLite keeps a statement
    /// journal (in memory: the writer's temp store) holding every page the statement changes, and one UPDATE of
    /// a 10,000-event backlog journaled ~8 MiB of outbox pages, the largest allocation of a whole sync.
    /// The windows span only the unreflected seqs: reflected rows stay as history, and walking from seq 1 on
    /// every pull made each sync issue one statement per 256 events the device ever recorded.
    static func reflect(_ db: Connection, lastDeviceSeq: Int, now: Timestamp) throws {
        let key = try deviceKey(db)
        guard
            let span = try db.queryOne(
                "SELECT min(device_seq) AS first, max(device_seq) AS last FROM outbox "
                    + "WHERE device_key = ? AND device_seq <= ? AND reflected = 0", key, lastDeviceSeq),
            let first = span.optionalInt("first"), let last = span.optionalInt("last")
        else { return }
        var low = Int(first) - 1
        while low < Int(last) {
            let high = min(Int(last), low + reflectWindow)
            try db.run(
                """
                UPDATE outbox SET reflected = 1, state = CASE state WHEN 'pending' THEN 'sent' ELSE state END,
                    acked_at = coalesce(acked_at, ?)
                WHERE device_key = ? AND device_seq > ? AND device_seq <= ? AND reflected = 0
                """, now.millisecondsSince1970, key, low, high)
            low = high
        }
    }

    /// Seqs reflected per UPDATE statement (see `reflect`): a few hundred rows keep its journal under 1 MiB.
    static let reflectWindow = 256
}
