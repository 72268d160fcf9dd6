import KandasProtocol

/// The next pending events as one push request body (sync-v1 §6.1), and what the answer is checked against.
///
/// The store hands over each event as recorded and the seq it goes out under; the wire body is built here.
/// Each recorded event's JSON is parsed once, its `device_seq` set from the outbox (a re-enrollment renumbers
/// the outbox only) and written back with sorted keys, straight into one buffer: no `DeviceEvent` values,
/// `JSONDecoder` or `JSONEncoder` trees are built for a batch, and the bytes equal `JSONCoding.encode(PushRequest)`.
struct PushBatch: Sendable {
    /// The whole `PushRequest` JSON.
    var body: [UInt8]
    /// Event ids in `device_seq` order: the answer's results must list them in this order.
    var eventIDs: [WireID]
    /// The first event's seq (where a gap without `expected_device_seq` resends from).
    var firstSeq: Int

    /// Writes the push body for `pending`.
    ///
    /// - Throws: `storage` when a recorded event is not a JSON object.
    init(_ pending: PendingEvents, deviceID: WireID, sentAt: Timestamp, status: ClientStatus) throws(ClientError) {
        var body: [UInt8] = []
        do {
            body.append(contentsOf: #"{"client_status":"#.utf8)
            body.append(contentsOf: try JSONCoding.encodeBytes(status))
            body.append(contentsOf: #","device_id":"#.utf8)
            JSONValue.writeString(deviceID.description, to: &body)
            body.append(contentsOf: #","events":["#.utf8)
            for (index, event) in pending.events.enumerated() {
                let stored = try? JSONValue.parse(Array(event.recorded.utf8))
                guard case .object(var object) = stored else {
                    throw ClientError(.storage, "outbox event \(event.deviceSeq) is not a stored event's JSON")
                }
                object["device_seq"] = .number(Double(event.deviceSeq))
                if index > 0 { body.append(UInt8(ascii: ",")) }
                JSONValue.object(object).write(to: &body)
            }
            body.append(contentsOf: #"],"sent_at":"#.utf8)
            body.append(contentsOf: try JSONCoding.encodeBytes(sentAt))
            body.append(UInt8(ascii: "}"))
        } catch {
            throw ClientError.wrap(error)
        }
        self.body = body
        eventIDs = pending.events.map(\.eventID)
        firstSeq = pending.events.first?.deviceSeq ?? 1
    }

    /// The next batch of `store`'s pending events, or `nil` when nothing is pending.
    static func next(
        from store: ClientStore, limit: Int, deviceID: WireID, sentAt: Timestamp,
        status: (ClientSummary) -> ClientStatus
    ) async throws(ClientError) -> PushBatch? {
        guard let pending = try await store.pendingEvents(limit: limit) else { return nil }
        return try PushBatch(pending, deviceID: deviceID, sentAt: sentAt, status: status(pending.summary))
    }
}
