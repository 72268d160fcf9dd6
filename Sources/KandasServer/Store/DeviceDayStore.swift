import KandasProtocol
import KandasStore

/// Each device's days (issue 20 item 3; migration `0024-device-days`): its last contact on the
/// day (Almaty time) and the queue depth it reported in that day's pushes (`client_status`,
/// Protocol sync-v1 §6.1): the most and the last outbox events, and the most files waiting.
/// Written in the transaction of the contact or push; days older than ``retentionDays`` are
/// deleted by the background sweeper (once across instances).
enum DeviceDayStore {
    /// How long a device's days are kept (the console draws the last 30).
    static let retentionDays: Int64 = 40

    static func day(_ t: Int64) -> Int64 { (t + ConsoleRollups.dayShift) / ConsoleRollups.day }

    /// One day of one device.
    struct Day: Equatable, Sendable {
        var lastContact: Int64
        /// Most outbox events reported that day (`nil`: no push with a status that day).
        var queueMax: Int?
        var queueLast: Int?
        var filesMax: Int?
    }

    /// An authenticated request from the device (the caller throttles these, as `device_activity`).
    static func contact(_ db: any DatabaseConnection, deviceID: String, now: Int64) throws {
        _ = try db.run(
            "INSERT INTO device_days(device_id, day, last_contact) VALUES(?, ?, ?)"
                + " ON CONFLICT(device_id, day) DO UPDATE SET last_contact = excluded.last_contact", deviceID,
            day(now), now)
    }

    /// A push that reported the device's queue.
    static func reported(_ db: any DatabaseConnection, deviceID: String, now: Int64, status: ClientStatus) throws {
        _ = try db.run(
            "INSERT INTO device_days(device_id, day, last_contact, queue_max, queue_last, files_max)"
                + " VALUES(?, ?, ?, ?, ?, ?) ON CONFLICT(device_id, day) DO UPDATE SET"
                + " last_contact = excluded.last_contact, queue_last = excluded.queue_last,"
                + " queue_max = CASE WHEN device_days.queue_max IS NULL OR device_days.queue_max < excluded.queue_max"
                + " THEN excluded.queue_max ELSE device_days.queue_max END,"
                + " files_max = CASE WHEN device_days.files_max IS NULL OR device_days.files_max < excluded.files_max"
                + " THEN excluded.files_max ELSE device_days.files_max END",
            deviceID, day(now), now, Int64(status.outboxEvents), Int64(status.outboxEvents), Int64(status.filesPending))
    }

    /// Deletes the days older than the retention (the sweeper's housekeeping).
    @discardableResult
    static func prune(_ db: any DatabaseConnection, now: Int64) throws -> Int {
        try db.run("DELETE FROM device_days WHERE day < ?", day(now) - retentionDays)
    }

    /// The last `days` days (oldest first) of each device in scope that has any.
    static func history(
        _ db: any DatabaseConnection, for p: Principal, now: Int64, days: Int = 30
    ) throws -> [String: [Day?]] {
        let first = day(now) - Int64(days - 1)
        var w = ListQuery(
            select: "", key: "", scope: p.scope.organisation(region: "u.region_id", centre: "u.career_centre_id"))
        w.filter("x.day >= ?", .integer(first))
        var out: [String: [Day?]] = [:]
        for row in try db.query(
            "SELECT x.device_id, x.day, x.last_contact, x.queue_max, x.queue_last, x.files_max FROM device_days x"
                + " JOIN devices dv ON dv.id = x.device_id JOIN users u ON u.id = dv.user_id WHERE \(w.whereSQL)",
            values: w.values)
        {
            let d = Int(try row.int("day") - first)
            guard d >= 0, d < days else { continue }
            out[try row.string("device_id"), default: [Day?](repeating: nil, count: days)][d] = Day(
                lastContact: try row.int("last_contact"), queueMax: row.optionalInt("queue_max").map(Int.init),
                queueLast: row.optionalInt("queue_last").map(Int.init),
                filesMax: row.optionalInt("files_max").map(Int.init))
        }
        return out
    }
}
