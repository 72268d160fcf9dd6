import Foundation
import KandasProtocol

@testable import KandasClient

extension FakeServer {
    /// Seeds one family with one member and a published plan with one item per service code.
    @discardableResult
    func seedFamily(serviceCodes: [Int]) -> (family: Family, member: Member, items: [PlanItem]) {
        let now = Self.clock
        let family = Family(
            id: .random(), regionID: .random(), careerCentreID: .random(), assignedWorkerIDs: [userID],
            settlement: Settlement(name: "Aqsu"), quotaInclusionDate: CalendarDate(year: 2026, month: 1, day: 10)!,
            consentRecorded: true, version: 1, createdAt: now, updatedAt: now)
        let member = Member(
            id: .random(), familyID: family.id, iin: "900101300123", lastName: "Test", firstName: "Member",
            birthDate: CalendarDate(year: 1990, month: 1, day: 1)!, relation: .head, version: 1, createdAt: now,
            updatedAt: now)
        let plan = Plan(
            id: .random(), familyID: family.id, status: .published, version: 4, createdAt: now, updatedAt: now,
            publicationLate: false)
        families[family.id] = family
        members[member.id] = member
        plans[plan.id] = plan
        record(.family, family.id)
        record(.member, member.id)
        record(.plan, plan.id)
        var created: [PlanItem] = []
        for (index, code) in serviceCodes.enumerated() {
            let item = PlanItem(
                id: .random(), planID: plan.id, familyID: family.id, memberID: member.id, serviceCode: code,
                dueDate: CalendarDate(year: 2026, month: 12, day: 1 + index)!, status: .open, version: 1,
                completionCount: 0, createdAt: now, updatedAt: now)
            items[item.id] = item
            record(.planItem, item.id)
            created.append(item)
        }
        return (family, member, created)
    }

    /// Opens a conflict on an item, as the server's classifier would.
    func openConflict(on itemID: WireID, completionID: WireID?, kind: ConflictKind, eventIDs: [WireID]) -> Conflict {
        let conflict = Conflict(
            id: .random(), kind: kind, severity: .hard, status: .open, itemID: itemID, completionID: completionID,
            eventIDs: eventIDs, conflictingFields: [], versions: [], detectedAt: Self.clock)
        conflicts[conflict.id] = conflict
        record(.conflict, conflict.id)
        return conflict
    }

    /// Records an administrator's review of a completion.
    func review(_ completionID: WireID, _ decision: ReviewDecision, comment: String?) -> Review {
        let review = Review(
            id: .random(), completionID: completionID, decision: decision, comment: comment, reviewerID: .random(),
            reviewerName: "Supervisor", createdAt: Self.clock)
        reviews[review.id] = review
        record(.review, review.id)
        switch decision {
        case .approve: completions[completionID]?.reviewState = .approved
        case .hasIssues: completions[completionID]?.reviewState = .hasIssues
        case .reject: completions[completionID]?.reviewState = .rejected
        case .comment: break
        }
        record(.completion, completionID)
        return review
    }

    /// Forgets every event after `seq`, as a server restored from an older backup would.
    func rollBack(toDeviceSeq seq: Int) {
        for key in eventsBySeq.keys where key > seq { eventsBySeq[key] = nil }
        lastDeviceSeq = seq
    }

    func cancel(_ itemID: WireID) {
        items[itemID]?.status = .cancelled
        items[itemID]?.version += 1
        record(.planItem, itemID)
    }

    // MARK: Push (sync-v1 §6.2)

    func push(_ body: [UInt8]) -> TransportResponse {
        guard let request = try? JSONCoding.decode(PushRequest.self, from: Data(body)), request.deviceID == deviceID
        else { return problem(422, .invalidField) }
        guard request.events.count <= maxPushEvents else { return problem(413, .batchTooLarge) }
        var results: [EventResult] = []
        var gapFrom: Int?
        for event in request.events {
            if let expected = gapFrom {
                results.append(gap(event, expected))
                continue
            }
            if event.deviceSeq <= lastDeviceSeq {
                if let stored = eventsBySeq[event.deviceSeq], stored.eventID == event.eventID {
                    var duplicate = stored
                    duplicate.storedOutcome = stored.outcome
                    duplicate.outcome = .duplicate
                    results.append(duplicate)
                } else {
                    results.append(
                        EventResult(
                            eventID: event.eventID, deviceSeq: event.deviceSeq, outcome: .rejected,
                            code: ErrorCode.deviceSeqReused.rawValue))
                }
            } else if event.deviceSeq == lastDeviceSeq + 1 {
                let result = apply(event)
                pushedEvents += 1
                lastDeviceSeq = event.deviceSeq
                eventsBySeq[event.deviceSeq] = result
                storedEvents[event.eventID] = event
                outcomes[event.eventID] = result
                record(.eventOutcome, event.eventID)
                results.append(result)
            } else {
                gapFrom = lastDeviceSeq + 1
                results.append(gap(event, lastDeviceSeq + 1))
            }
        }
        return json(200, PushResponse(results: results, lastDeviceSeq: lastDeviceSeq, serverTime: Self.clock))
    }

    func gap(_ event: DeviceEvent, _ expected: Int) -> EventResult {
        EventResult(
            eventID: event.eventID, deviceSeq: event.deviceSeq, outcome: .gap, code: "gap", expectedDeviceSeq: expected)
    }

    func reject(_ event: DeviceEvent, _ code: ErrorCode) -> EventResult {
        EventResult(eventID: event.eventID, deviceSeq: event.deviceSeq, outcome: .rejected, code: code.rawValue)
    }

    func apply(_ event: DeviceEvent) -> EventResult {
        guard let item = items[event.itemID] else { return reject(event, .unknownItem) }
        let accepted = { (completion: Completion?) in
            EventResult(
                eventID: event.eventID, deviceSeq: event.deviceSeq, outcome: .accepted, completionID: completion?.id,
                completionRev: completion?.rev)
        }
        switch event.payload {
        case .complete(let payload):
            guard payload.memberID == item.memberID else { return reject(event, .memberMismatch) }
            let files = payload.files.map { file in
                declared[file.attachmentID] = (file, payload.completionID)
                return EvidenceFile(
                    attachmentID: file.attachmentID, completionID: payload.completionID, kind: file.kind,
                    contentType: file.contentType, size: file.size, sha256: file.sha256, capturedAt: file.capturedAt,
                    source: file.source, uploadState: .declared, receivedBytes: 0)
            }
            let completion = Completion(
                id: payload.completionID, itemID: item.id, planID: item.planID, familyID: item.familyID,
                memberID: item.memberID, serviceCode: item.serviceCode, deviceID: deviceID!, userID: userID,
                state: .active, rev: 1, primary: true, performedAt: payload.performedAt, recordedAt: event.recordedAt,
                receivedAt: Self.clock, clockSkewMilliseconds: 0, note: payload.note, location: payload.location,
                files: files, filesDeclared: files.count, filesVerified: 0,
                completeness: files.isEmpty ? .complete : .incomplete, evidenceFlags: [], reviewState: .pending,
                conflictIDs: [], createdAt: Self.clock, updatedAt: Self.clock)
            completions[completion.id] = completion
            items[item.id]?.status = item.status == .cancelled ? .cancelled : .completed
            items[item.id]?.completionCount += 1
            record(.completion, completion.id)
            record(.planItem, item.id)
            if !files.isEmpty { issueReceipt(completion.id) }
            return accepted(completion)
        case .amend(let payload):
            guard var completion = completions[payload.completionID] else { return reject(event, .unknownCompletion) }
            guard completion.state == .active else { return reject(event, .completionVoided) }
            if let note = payload.changes.note { completion.note = note }
            if let performedAt = payload.changes.performedAt { completion.performedAt = performedAt }
            if let location = payload.changes.location { completion.location = location }
            for file in payload.addFiles ?? [] {
                declared[file.attachmentID] = (file, completion.id)
                completion.files.append(
                    EvidenceFile(
                        attachmentID: file.attachmentID, completionID: completion.id, kind: file.kind,
                        contentType: file.contentType, size: file.size, sha256: file.sha256,
                        capturedAt: file.capturedAt, source: file.source, uploadState: .declared, receivedBytes: 0))
                completion.filesDeclared += 1
                completion.completeness = .incomplete
            }
            completion.rev += 1
            completions[completion.id] = completion
            record(.completion, completion.id)
            return accepted(completion)
        case .void(let payload):
            guard var completion = completions[payload.completionID] else { return reject(event, .unknownCompletion) }
            completion.state = .voided
            completion.rev += 1
            completions[completion.id] = completion
            record(.completion, completion.id)
            return accepted(completion)
        case .resolve(let payload):
            guard var conflict = conflicts[payload.conflictID] else { return reject(event, .unknownConflict) }
            guard conflict.status == .open else { return reject(event, .conflictAlreadyResolved) }
            conflict.status = .resolved
            conflict.resolution = payload.resolution
            conflicts[conflict.id] = conflict
            record(.conflict, conflict.id)
            return accepted(nil)
        case .unrecognized:
            return reject(event, .unknownEventType)
        }
    }

    func issueReceipt(_ completionID: WireID) {
        guard !withholdReceipts, let completion = completions[completionID] else { return }
        let files = completion.files.map {
            ReceiptFile(
                attachmentID: $0.attachmentID, sha256: $0.sha256, size: $0.size, uploadState: $0.uploadState,
                verifiedAt: $0.verifiedAt)
        }
        receipts[completionID] = Receipt(
            completionID: completionID, completionRev: completion.rev, filesDeclared: completion.filesDeclared,
            filesVerified: completion.filesVerified, completeness: completion.completeness, files: files,
            issuedAt: Self.clock)
        record(.receipt, completionID)
    }

    // MARK: Pull (sync-v1 §7)

    func pull(cursor: String?, limit: Int) -> TransportResponse {
        var from = 0
        var reset = true
        if let cursor {
            let parts = cursor.split(separator: ":").compactMap { Int($0) }
            guard parts.count == 2 else { return problem(400, .invalidCursor) }
            if parts[0] == epoch {
                from = parts[1]
                reset = false
            }
        }
        var latest: [String: (seq: Int, entity: ChangeEntity, id: WireID)] = [:]
        for entry in log where entry.seq > from { latest[entry.entity.rawValue + entry.id.description] = entry }
        let pending = latest.values.sorted { $0.seq < $1.seq }
        let page = Array(pending.prefix(limit))
        let changes = page.map { change($0.seq, $0.entity, $0.id) }
        let next = page.last?.seq ?? (reset ? changeSeq : from)
        return json(
            200,
            PullResponse(
                reset: reset, changes: changes, cursor: "\(epoch):\(next)", hasMore: pending.count > page.count,
                lastDeviceSeq: lastDeviceSeq, serverTime: Self.clock))
    }

    func change(_ seq: Int, _ entity: ChangeEntity, _ id: WireID) -> Change {
        let data: ChangeData?
        switch entity {
        case .family: data = families[id].map(ChangeData.family)
        case .member: data = members[id].map(ChangeData.member)
        case .plan: data = plans[id].map(ChangeData.plan)
        case .planItem: data = items[id].map(ChangeData.planItem)
        case .completion: data = completions[id].map(ChangeData.completion)
        case .conflict: data = conflicts[id].map(ChangeData.conflict)
        case .review: data = reviews[id].map(ChangeData.review)
        case .eventOutcome: data = outcomes[id].map(ChangeData.eventOutcome)
        case .receipt: data = receipts[id].map(ChangeData.receipt)
        }
        if let data { return .put(seq: seq, id: id, data) }
        return .delete(seq: seq, entity: entity, id: id)
    }
}
