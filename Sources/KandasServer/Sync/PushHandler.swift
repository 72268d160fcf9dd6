import Foundation
import HTTPServer
import KandasProtocol
import KandasStore

/// `POST /v1/sync/push` (Protocol §6): a batch of device events applied in `device_seq` order in
/// one write transaction, one result per event.
enum PushHandler {
    static let maxEvents = 500

    static func push(_ ctx: RequestContext) throws -> HTTPResponse {
        try ctx.requireJSONContentType()
        let envelope = try PushEnvelope.decode(ctx.request.bodyBytes)
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
            // writeSync is the BEGIN IMMEDIATE transaction: a nested `transaction` here would be a
            // SAVEPOINT around the whole batch, and SQLite copies every page a savepoint touches to
            // a sub-journal file (measured: 8 of 9 bytes a push wrote went to that temporary file).
            let response = try ctx.app.database.writeSync { db in
                let response = try process(
                    db, request.events, bodies: envelope.bodies, actor: actor, clientStatus: status)
                // The queue depth the device reported, kept per day for the console (issue 20 item 3).
                if let reported = request.clientStatus {
                    try DeviceDayStore.reported(db, deviceID: actor.deviceID, now: ctx.now, status: reported)
                }
                return response
            }
            return APIReply(status: 200, contentType: "application/json", body: Data(response.jsonBytes)).response(
                requestID: ctx.request.requestID)
        } catch let error as DatabaseError where error.isBusy || error.kind == .full {
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
        if let status = request.clientStatus { try checkClientStatus(status) }
    }

    /// `client_status` (Protocol §6.1, §16): counts within 0 … 2^53−1, `app_version` 1-64 and
    /// `last_error` up to 500 characters of one-line text; it is shown to supervisors as sent.
    static func checkClientStatus(_ s: ClientStatus) throws(ServerError) {
        for (name, value) in [
            ("outbox_events", s.outboxEvents), ("outbox_bytes", s.outboxBytes), ("files_pending", s.filesPending),
            ("bytes_pending", s.bytesPending),
        ] where !(0...TextLimits.maxCount).contains(value) {
            throw ServerError.field(.invalidField, "/client_status/\(name)", "0 to \(TextLimits.maxCount)")
        }
        guard (1...TextLimits.maxAppVersionChars).contains(s.appVersion.count), TextLimits.isOneLine(s.appVersion)
        else {
            throw ServerError.field(
                .invalidField, "/client_status/app_version",
                "1-\(TextLimits.maxAppVersionChars) characters without control characters")
        }
        if let error = s.lastError, error.count > TextLimits.maxLastErrorChars || !TextLimits.isOneLine(error) {
            throw ServerError.field(
                .invalidField, "/client_status/last_error",
                "at most \(TextLimits.maxLastErrorChars) characters without control characters")
        }
    }
}
