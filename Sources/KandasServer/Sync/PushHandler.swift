import Foundation
import HTTPServer
import KandasProtocol
import SQLiteKit

/// `POST /v1/sync/push` (Protocol §6): a batch of device events applied in `device_seq` order in
/// one write transaction, one result per event.
enum PushHandler {
    static let maxEvents = 500

    static func push(_ ctx: RequestContext) throws -> HTTPResponse {
        try ctx.requireJSONContentType()
        let envelope = try PushEnvelope.decode(Data(ctx.request.bodyBytes))
        let request = envelope.request
        try checkEnvelope(request)
        guard request.deviceID.description == ctx.actor.deviceID else {
            throw ServerError(.forbidden, "device_id is not the token's device")
        }
        let actor = EventApplier.Actor(
            deviceID: ctx.actor.deviceID ?? "", userID: ctx.actor.userID, now: ctx.now,
            skewMilliseconds: request.sentAt.millisecondsSince1970 - ctx.now)
        let status = try request.clientStatus.map(jsonText)
        do {
            let response = try ctx.app.pool.writeSync { db in
                try db.transaction(.immediate) { try process(db, request.events, actor: actor, clientStatus: status) }
            }
            return try ctx.json(response)
        } catch let error as SQLiteError where error.isBusy || error.code == 13 {
            // SQLITE_BUSY / SQLITE_FULL: the transaction rolled back, nothing of the batch was applied.
            throw ServerError(.unavailable, "the store cannot take writes now; retry", retryAfterSeconds: 2)
        }
    }

    /// The envelope must be valid or the whole push is refused with nothing applied (Protocol §6.1).
    static func checkEnvelope(_ request: PushRequest) throws(ServerError) {
        guard request.events.count <= maxEvents else {
            throw ServerError(.batchTooLarge, "at most \(maxEvents) events per push", limit: maxEvents)
        }
        guard !request.events.isEmpty else { throw ServerError.field(.invalidField, "/events", "1-500 events") }
        var ids: Set<WireID> = []
        var previous = 0
        for (i, e) in request.events.enumerated() {
            guard e.deviceSeq >= 1, e.deviceSeq > previous else {
                throw ServerError.field(.invalidField, "/events/\(i)/device_seq", "must be ≥ 1 and strictly increasing")
            }
            guard e.baseVersion >= 1 else {
                throw ServerError.field(.invalidField, "/events/\(i)/base_version", "must be ≥ 1")
            }
            guard ids.insert(e.eventID).inserted else {
                throw ServerError.field(.invalidField, "/events/\(i)/event_id", "repeated in the batch")
            }
            previous = e.deviceSeq
        }
    }

    static func process(
        _ db: Connection, _ events: [DeviceEvent], actor: EventApplier.Actor, clientStatus: String?
    ) throws -> PushResponse {
        var last = Int(
            try db.queryOne("SELECT last_device_seq FROM devices WHERE id = ?", actor.deviceID)?.int(
                "last_device_seq") ?? 0)
        var results: [EventResult] = []
        for event in events {
            if event.deviceSeq <= last {
                results.append(try resend(db, event, actor: actor))
            } else if event.deviceSeq == last + 1 {
                results.append(try consume(db, event, actor: actor))
                last = event.deviceSeq
            } else {
                results.append(
                    EventResult(
                        eventID: event.eventID, deviceSeq: event.deviceSeq, outcome: .gap, code: ErrorCode.gap.rawValue,
                        expectedDeviceSeq: last + 1))
            }
        }
        _ = try db.run(
            "UPDATE devices SET last_device_seq = ?, client_status = COALESCE(?, client_status) WHERE id = ?", last,
            clientStatus, actor.deviceID)
        return PushResponse(
            results: results, lastDeviceSeq: last, serverTime: Timestamp(millisecondsSince1970: actor.now))
    }

    /// Rule 1: a resend of a consumed `device_seq`.
    static func resend(_ db: Connection, _ event: DeviceEvent, actor: EventApplier.Actor) throws -> EventResult {
        guard
            let row = try db.queryOne(
                "SELECT event_id FROM device_events WHERE device_id = ? AND device_seq = ?", actor.deviceID,
                event.deviceSeq), try row.string("event_id") == event.eventID.description
        else {
            return EventResult(
                eventID: event.eventID, deviceSeq: event.deviceSeq, outcome: .rejected,
                code: ErrorCode.deviceSeqReused.rawValue, detail: "another event_id was stored with this device_seq")
        }
        var stored = try EventOutcomes.result(db, deviceID: actor.deviceID, eventID: event.eventID.description)
        stored.storedOutcome = stored.outcome == .duplicate ? stored.storedOutcome : stored.outcome
        stored.outcome = .duplicate
        return stored
    }

    /// Rule 2: the next `device_seq`.
    static func consume(_ db: Connection, _ event: DeviceEvent, actor: EventApplier.Actor) throws -> EventResult {
        let id = event.eventID.description
        let body = try jsonText(event)
        if let original = try db.queryOne(
            "SELECT e.user_id FROM device_events e WHERE e.event_id = ? AND e.original = 1", id)
        {
            let sameUser = try original.string("user_id") == actor.userID
            try insert(
                db, event, body: body, actor: actor, original: false, outcome: sameUser ? "duplicate" : "rejected",
                code: sameUser ? nil : ErrorCode.eventIDReused.rawValue)
            try SyncFeed.record(
                db, entity: "event_outcome", id: id, familyID: "", deviceID: actor.deviceID, now: actor.now)
            return try EventOutcomes.result(db, deviceID: actor.deviceID, eventID: id)
        }
        let seq = try insert(db, event, body: body, actor: actor, original: true, outcome: "accepted", code: nil)
        try db.execute("SAVEPOINT event")
        do {
            let applied = try EventApplier.apply(db, event, seq: seq, actor: actor)
            try db.execute("RELEASE event")
            _ = try db.run(
                "UPDATE device_events SET completion_id = ?, completion_rev = ?, conflict_ids = ? WHERE seq = ?",
                applied.completionID, applied.completionRev, try jsonText(applied.conflictIDs), seq)
        } catch let rejection as EventValidation.Rejection {
            // One bad event never blocks the rest: its writes are undone, it is stored rejected (§6.2).
            try db.execute("ROLLBACK TO event")
            try db.execute("RELEASE event")
            _ = try db.run(
                "UPDATE device_events SET outcome = 'rejected', code = ?, detail = ? WHERE seq = ?",
                rejection.code.rawValue, rejection.detail, seq)
        }
        try SyncFeed.record(db, entity: "event_outcome", id: id, familyID: "", deviceID: actor.deviceID, now: actor.now)
        return try EventOutcomes.result(db, deviceID: actor.deviceID, eventID: id)
    }

    @discardableResult
    static func insert(
        _ db: Connection, _ event: DeviceEvent, body: String, actor: EventApplier.Actor, original: Bool,
        outcome: String, code: String?
    ) throws -> Int64 {
        _ = try db.run(
            "INSERT INTO device_events(device_id, device_seq, event_id, user_id, original, type, item_id, body,"
                + " received_at, recorded_at, clock_skew_ms, outcome, code) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)",
            actor.deviceID, event.deviceSeq, event.eventID.description, actor.userID, original,
            event.payload.typeName, event.itemID.description, body, actor.now, event.recordedAt.millisecondsSince1970,
            actor.skewMilliseconds, outcome, code)
        return db.lastInsertRowID
    }
}
