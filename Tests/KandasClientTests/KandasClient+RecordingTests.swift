import Foundation
import KandasProtocol
import Testing

@testable import KandasClient

@Suite struct RecordingTests {
    @Test func completionRecordedOffline_showsAsDoneAndCopiesHashedFiles() async throws {
        let f = try await Fixture.make()
        defer { f.cleanup() }
        await f.server.configure { $0.connectionRefused = true }
        let photo = try f.file("a.jpg", .jpeg)
        let recorded = try await f.client.complete(
            f.draft(files: [
                EvidenceInput(path: photo, kind: .photo), EvidenceInput(path: try f.file("v.mp4", .mp4), kind: .video),
            ]))
        #expect(recorded.deviceSeq == 1)
        #expect(recorded.files.count == 2)
        let item = try #require(try await f.client.item(f.items[0].id))
        #expect(item.displayedStatus == .completed)
        #expect(item.pendingEvents == 1)
        #expect(item.completions.first?.server == nil)
        let files = try await f.client.files()
        #expect(files.map(\.state) == [.pending, .pending])
        let copy = try #require(files.first?.localPath)
        let copied = try Data(contentsOf: URL(fileURLWithPath: copy))
        let original = try Data(contentsOf: URL(fileURLWithPath: photo))
        #expect(copied == original)
        #expect(files.first?.sha256.count == 64)
        #expect(files.first?.contentType == "image/jpeg")
        let status = try await f.client.status()
        #expect(status.outboxEvents == 1)
        #expect(status.filesPending == 2)
    }

    @Test func deviceSeqs_areGapFreeAcrossFailedRecordings() async throws {
        let f = try await Fixture.make()
        defer { f.cleanup() }
        let first = try await f.client.complete(f.draft(0, files: []))
        await #expect(throws: ClientError.self) {
            try await f.client.complete(f.draft(1, files: [EvidenceInput(path: f.root + "/nope.jpg", kind: .photo)]))
        }
        let second = try await f.client.complete(f.draft(1, files: []))
        let third = try await f.client.void(completionID: try #require(first.completionID), reason: "mistake")
        let seqs: [Int] = [first.deviceSeq, second.deviceSeq, third.deviceSeq]
        #expect(seqs == [1, 2, 3])
    }

    @Test(arguments: [
        ("missing", ClientError.Code.fileMissing), ("folder", .fileUnreadable), ("empty", .fileEmpty),
        ("text", .fileTypeMismatch), ("pdfAsPhoto", .fileTypeMismatch), ("jpegAsVideo", .fileTypeMismatch),
        ("latitude", .invalidInput), ("longitude", .invalidInput), ("accuracy", .invalidInput),
        ("unknownItem", .unknownItem), ("unknownMember", .unknownMember), ("future", .invalidInput),
        ("longNote", .invalidInput),
    ])
    func badInput_isRefusedAndChangesNothing(caseName: String, expected: ClientError.Code) async throws {
        let f = try await Fixture.make()
        defer { f.cleanup() }
        let good = EvidenceInput(path: try f.file("good.jpg", .jpeg), kind: .photo)
        var draft = f.draft(files: [good])
        switch caseName {
        case "missing": draft.files.append(EvidenceInput(path: f.root + "/none.jpg", kind: .photo))
        case "folder": draft.files.append(EvidenceInput(path: f.root + "/inbox", kind: .photo))
        case "empty": draft.files.append(EvidenceInput(path: try f.file("empty.jpg", .jpeg, size: 0), kind: .photo))
        case "text": draft.files.append(EvidenceInput(path: try f.file("t.jpg", .text), kind: .photo))
        case "pdfAsPhoto": draft.files.append(EvidenceInput(path: try f.file("d.pdf", .pdf), kind: .photo))
        case "jpegAsVideo": draft.files.append(EvidenceInput(path: try f.file("p.jpg", .jpeg), kind: .video))
        case "latitude": draft.location?.latitude = 91
        case "longitude": draft.location?.longitude = -180.5
        case "accuracy": draft.location?.accuracyMeters = -1
        case "unknownItem": draft.itemID = .random()
        case "unknownMember": draft.memberID = .random()
        case "future":
            draft.performedAt = Timestamp(millisecondsSince1970: Fixture.now.millisecondsSince1970 + 3_600_000)
        case "longNote": draft.note = String(repeating: "x", count: 4001)
        default: Issue.record("unknown case")
        }
        let error = await #expect(throws: ClientError.self) { try await f.client.complete(draft) }
        #expect(error?.code == expected)
        let status = try await f.client.status()
        #expect(status.outboxEvents == 0)
        #expect(f.storedFiles().isEmpty)
        #expect(try await f.client.files().isEmpty)
    }

    @Test func missingRequiredEvidence_isAWarningUnlessStrict() async throws {
        let f = try await Fixture.make()
        defer { f.cleanup() }
        let recorded = try await f.client.complete(
            f.draft(files: [EvidenceInput(path: try f.file("a.jpg", .jpeg), kind: .photo)]))
        #expect(recorded.warnings.map(\.code).contains("missing_video"))
        #expect(!recorded.warnings.map(\.code).contains("missing_photo"))

        let strict = try await Fixture.make { $0.strictEvidence = true }
        defer { strict.cleanup() }
        let error = await #expect(throws: ClientError.self) {
            try await strict.client.complete(
                strict.draft(files: [EvidenceInput(path: try strict.file("a.jpg", .jpeg), kind: .photo)]))
        }
        #expect(error?.code == .evidenceMissing)
        #expect(try await strict.client.status().outboxEvents == 0)
        #expect(strict.storedFiles().isEmpty)
    }

    @Test func amendAndVoid_foldOverTheViewUntilSynced() async throws {
        let f = try await Fixture.make()
        defer { f.cleanup() }
        let recorded = try await f.client.complete(f.draft(files: []))
        try await f.client.sync()
        let completionID = try #require(recorded.completionID)
        try await f.client.amend(AmendDraft(completionID: completionID, note: "corrected"))
        var view = try #require(try await f.client.item(f.items[0].id)?.completions.first)
        #expect(view.note == "corrected")
        #expect(view.expectedRev == 2)
        let empty = await #expect(throws: ClientError.self) {
            try await f.client.amend(AmendDraft(completionID: completionID))
        }
        #expect(empty?.code == .invalidInput)
        try await f.client.sync()
        #expect(await f.server.completions[completionID]?.rev == 2)
        #expect(await f.server.completions[completionID]?.note == "corrected")
        try await f.client.void(completionID: completionID, reason: "wrong family")
        view = try #require(try await f.client.item(f.items[0].id)?.completions.first)
        #expect(view.state == .voided)
        #expect(try await f.client.item(f.items[0].id)?.displayedStatus == .open)
        let twice = await #expect(throws: ClientError.self) {
            try await f.client.void(completionID: completionID, reason: "again")
        }
        #expect(twice?.code == .invalidInput)
    }

    @Test func resolve_writesAResolveEventAndClearsTheInboxAfterSync() async throws {
        let f = try await Fixture.make()
        defer { f.cleanup() }
        let recorded = try await f.client.complete(f.draft(files: []))
        try await f.client.sync()
        let conflict = await f.server.openConflict(
            on: f.items[0].id, completionID: recorded.completionID, kind: .duplicateCompletion,
            eventIDs: [recorded.eventID])
        try await f.client.sync()
        #expect(try await f.client.conflicts().map(\.conflict.id) == [conflict.id])
        let notAllowed = await #expect(throws: ClientError.self) {
            try await f.client.resolve(conflictID: conflict.id, resolution: .chooseEvent, chosenEventID: .random())
        }
        #expect(notAllowed?.code == .invalidInput)
        try await f.client.resolve(conflictID: conflict.id, resolution: .keepDisplayed, comment: "same visit")
        #expect(try await f.client.conflicts().first?.resolutionPending == true)
        // The lean read of conflicts() and the whole-snapshot inbox() agree.
        #expect(try await f.client.conflicts() == f.client.inbox().conflicts)
        let again = await #expect(throws: ClientError.self) {
            try await f.client.resolve(conflictID: conflict.id, resolution: .keepDisplayed)
        }
        #expect(again?.code == .unknownConflict)
        try await f.client.sync()
        #expect(await f.server.conflicts[conflict.id]?.status == .resolved)
        #expect(try await f.client.conflicts().isEmpty)
    }

    @Test func reviewAskingForChanges_reachesTheInbox() async throws {
        let f = try await Fixture.make()
        defer { f.cleanup() }
        let recorded = try await f.client.complete(f.draft(files: []))
        try await f.client.sync()
        let completionID = try #require(recorded.completionID)
        _ = await f.server.review(completionID, .approve, comment: nil)
        let issue = await f.server.review(completionID, .hasIssues, comment: "photo is blurred")
        try await f.client.sync()
        #expect(try await f.client.inbox().reviews == [issue])
        #expect(try await f.client.item(f.items[0].id)?.completions.first?.reviews.count == 2)
    }

    @Test func inbox_showsOnlyCompletionsAskingForChanges_asTheWholeSnapshotWould() async throws {
        let f = try await Fixture.make()
        defer { f.cleanup() }
        var ids: [WireID] = []
        for _ in 0..<3 { ids.append(try #require(try await f.client.complete(f.draft(1, files: [])).completionID)) }
        try await f.client.sync()
        let issue = await f.server.review(ids[0], .hasIssues, comment: "photo is blurred")
        let rejected = await f.server.review(ids[1], .reject, comment: "wrong family")
        _ = await f.server.review(ids[2], .hasIssues, comment: "redo")
        _ = await f.server.review(ids[2], .approve, comment: nil)
        try await f.client.sync()
        let inbox = try await f.client.inbox()
        #expect(Set(inbox.reviews.map(\.id)) == [issue.id, rejected.id])
        let snapshot = try await f.client.store.snapshot()
        let whole = Inbox.reviewsAskingForChanges(
            completions: Array(snapshot.completions.values), reviews: snapshot.reviews)
        #expect(inbox.reviews == whole)
        #expect(inbox.conflicts == Inbox.openConflicts(snapshot.conflicts, overlay: snapshot.overlay))
    }
}
