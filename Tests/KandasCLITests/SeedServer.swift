import Foundation
import KandasClient
import KandasProtocol

/// Just enough of a Kandas server for the CLI's tests: limits, enroll and one full pull of a seeded family.
///
/// Lets tests build a real enrolled and synced home through the client API, then run commands against
/// it offline (in-process or as the `kandas` binary).
actor SeedServer: Transport {
    static let base = "http://seed.test"
    static let code = "AAAABBBBCCCCDDDDEEEEFFFFGG"
    static let clock = Timestamp(millisecondsSince1970: 1_795_000_000_000)

    let userID = WireID.random()
    let family: Family
    let members: [Member]
    let plan: Plan
    let items: [PlanItem]
    /// An open conflict on the first item, when asked for.
    let conflict: Conflict?
    var lastDeviceSeq = 0
    /// tus uploads by id: (declared length, bytes received).
    var uploads: [String: (length: Int64, received: Int64)] = [:]
    /// Receipts the next pulls deliver, in order after the seeded family (sync-v1 §11).
    var receipts: [Receipt] = []

    /// Issues a receipt listing `files` of a completion in the given server state.
    func issueReceipt(_ completionID: WireID, files: [LocalFile], state: UploadState) {
        let verified = state == .verified ? files.count : 0
        receipts.append(
            Receipt(
                completionID: completionID, completionRev: 1, filesDeclared: files.count, filesVerified: verified,
                completeness: verified == files.count ? .complete : .incomplete,
                files: files.map {
                    ReceiptFile(
                        attachmentID: $0.attachmentID, sha256: $0.sha256, size: Int($0.size), uploadState: state)
                }, issuedAt: Self.clock))
    }

    init(serviceCodes: [Int] = [1, 7, 21], withConflict: Bool = false) {
        let now = Self.clock
        family = Family(
            id: .random(), regionID: .random(), careerCentreID: .random(), assignedWorkerIDs: [userID],
            settlement: Settlement(name: "Ақсу"), quotaInclusionDate: CalendarDate(year: 2026, month: 1, day: 10)!,
            consentRecorded: true, version: 1, createdAt: now, updatedAt: now)
        let head = Member(
            id: .random(), familyID: family.id, iin: "900101300123", lastName: "Сейітов", firstName: "Ерлан",
            birthDate: CalendarDate(year: 1990, month: 1, day: 1)!, relation: .head, version: 1, createdAt: now,
            updatedAt: now)
        let child = Member(
            id: .random(), familyID: family.id, iin: "150505500017", lastName: "Сейітова", firstName: "Әйгерім",
            birthDate: CalendarDate(year: 2015, month: 5, day: 5)!, relation: .child, version: 1, createdAt: now,
            updatedAt: now)
        members = [head, child]
        plan = Plan(
            id: .random(), familyID: family.id, status: .published, version: 4, createdAt: now, updatedAt: now,
            publicationLate: false)
        let familyID = family.id
        let planID = plan.id
        items = serviceCodes.enumerated().map { index, code in
            PlanItem(
                id: .random(), planID: planID, familyID: familyID, memberID: head.id, serviceCode: code,
                dueDate: CalendarDate(year: 2026, month: 12, day: 1 + index)!, status: .open, version: 1,
                completionCount: 0, createdAt: now, updatedAt: now)
        }
        let events = [WireID("e1e1e1e1-0000-4000-8000-0000e1e1e1e1")!, WireID("e2e2e2e2-0000-4000-8000-0000e2e2e2e2")!]
        let device = WireID.random()
        let worker = userID
        conflict =
            withConflict
            ? Conflict(
                id: WireID("c0c0c0c0-0000-4000-8000-0000c0c0c0c0")!, kind: .duplicateCompletion, severity: .hard,
                status: .open, itemID: items[0].id, eventIDs: events, conflictingFields: ["note"],
                versions: events.enumerated().map { index, event in
                    ConflictVersion(
                        eventID: event, deviceID: device, userID: worker, receivedAt: now, recordedAt: now,
                        values: ["note": .string("version \(index + 1)")])
                }, displayedEventID: events[0], detectedAt: now) : nil
    }

    func send(
        _ request: TransportRequest, progress: (@Sendable (TransferProgress) -> Void)?
    ) async throws(TransportError) -> TransportResponse {
        guard request.url.hasPrefix(Self.base) else { throw .couldNotResolveHost(request.url) }
        let path = URLComponents(string: request.url)?.path ?? ""
        switch (request.method, path) {
        case ("GET", "/v1/limits"):
            return json(Limits.default)
        case ("POST", "/v1/auth/enroll"):
            return json(
                TokenResponse(
                    deviceID: .random(), userID: userID, tokenType: "Bearer", accessToken: "kda_seed",
                    accessExpiresAt: Timestamp(millisecondsSince1970: Self.clock.millisecondsSince1970 + 3_600_000),
                    refreshToken: "kdr_seed", refreshExpiresAt: Self.clock))
        case ("GET", "/v1/sync/pull"):
            var changes: [Change] = [.put(seq: 1, id: family.id, .family(family))]
            for member in members { changes.append(.put(seq: changes.count + 1, id: member.id, .member(member))) }
            changes.append(.put(seq: changes.count + 1, id: plan.id, .plan(plan)))
            for item in items { changes.append(.put(seq: changes.count + 1, id: item.id, .planItem(item))) }
            if let conflict { changes.append(.put(seq: changes.count + 1, id: conflict.id, .conflict(conflict))) }
            for receipt in receipts {
                changes.append(.put(seq: changes.count + 1, id: receipt.completionID, .receipt(receipt)))
            }
            let seen = URLComponents(string: request.url)?.queryItems?.first { $0.name == "cursor" }?.value
                .flatMap { Int($0.split(separator: ":").last ?? "") }
            return json(
                PullResponse(
                    reset: seen == nil, changes: Array(changes.dropFirst(seen ?? 0)), cursor: "1:\(changes.count)",
                    hasMore: false, lastDeviceSeq: 0, serverTime: Self.clock))
        case ("POST", "/v1/sync/push"):
            return push(request)
        case ("POST", "/v1/uploads"):
            let length = Int64(request.headers.first { $0.name == "Upload-Length" }?.value ?? "") ?? 0
            let id = "u\(uploads.count + 1)"
            uploads[id] = (length, 0)
            return TransportResponse(
                status: 201, headers: [("Location", "/v1/uploads/" + id), ("Upload-Offset", "0")])
        case ("HEAD", _):
            let upload = uploads[String(path.dropFirst(12))] ?? (0, 0)
            return TransportResponse(
                status: 200, headers: [("Upload-Offset", "\(upload.received)"), ("Upload-Length", "\(upload.length)")])
        case ("PATCH", _):
            let id = String(path.dropFirst(12))
            guard var upload = uploads[id], case .file(_, _, let length) = request.body else {
                return TransportResponse(status: 404)
            }
            // Reports the chunk in two steps, as a transport does while bytes move.
            progress?(TransferProgress(bytesSent: length / 2, bytesToSend: length, bytesReceived: 0))
            progress?(TransferProgress(bytesSent: length, bytesToSend: length, bytesReceived: 0))
            upload.received += length
            uploads[id] = upload
            let state = upload.received == upload.length ? "verified" : "receiving"
            return TransportResponse(
                status: 204, headers: [("Upload-Offset", "\(upload.received)"), ("Kandas-Upload-State", state)],
                bytesSent: length)
        default:
            return TransportResponse(status: 404, body: Array("{}".utf8))
        }
    }

    /// Accepts every event in order (no conflicts, no checks beyond the sequence).
    func push(_ request: TransportRequest) -> TransportResponse {
        guard case .bytes(let body) = request.body,
            let push = try? JSONCoding.decode(PushRequest.self, from: Data(body))
        else { return TransportResponse(status: 422) }
        let results = push.events.map { event in
            lastDeviceSeq = max(lastDeviceSeq, event.deviceSeq)
            var completionID: WireID?
            if case .complete(let payload) = event.payload { completionID = payload.completionID }
            return EventResult(
                eventID: event.eventID, deviceSeq: event.deviceSeq, outcome: .accepted, completionID: completionID,
                completionRev: completionID == nil ? nil : 1)
        }
        return json(PushResponse(results: results, lastDeviceSeq: lastDeviceSeq, serverTime: Self.clock))
    }

    func json<T: Encodable>(_ value: T) -> TransportResponse {
        TransportResponse(status: 200, body: [UInt8]((try? JSONCoding.encode(value)) ?? Data()))
    }

    /// Creates `home`, enrolls it and pulls the seeded family through the real client core.
    func seed(home: String) async throws {
        let client = try await KandasClient.open(home: home, transport: self)
        defer { client.close() }
        try await client.enroll(serverURL: Self.base, code: Self.code)
        try await client.sync()
    }
}
