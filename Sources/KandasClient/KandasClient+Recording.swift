import Crypto
import Foundation
import KandasDomain
public import KandasProtocol
import SystemKit

extension KandasClient {
    /// Records a completion offline: validates it against the view, copies and hashes each file into the
    /// store, and commits the event and its files in one transaction.
    ///
    /// Nothing is half-written: on any error no event exists and every copied file is removed.
    /// Missing evidence the service requires is a warning (the server flags rather than refuses, sync-v1
    /// §9.1) unless `ClientOptions.strictEvidence` makes it an error.
    /// - Throws: `unknownItem`, `unknownMember`, `invalidInput` (note, time, geolocation, too many files),
    ///   `fileMissing`, `fileUnreadable`, `fileEmpty`, `fileTypeMismatch`, `evidenceMissing`, `storage`.
    @discardableResult
    public func complete(_ draft: CompletionDraft) async throws(ClientError) -> RecordedEvent {
        let now = options.now()
        try Validation.note(draft.note)
        try Validation.performedAt(draft.performedAt, now: now, field: "performed_at")
        try Validation.location(draft.location, field: "location")
        try Validation.fileCount(draft.files.count)
        let itemID = draft.itemID
        let (found, member) = try await store.itemAndMember(itemID: itemID, memberID: draft.memberID)
        guard let item = found else {
            throw ClientError(.unknownItem, "no plan item \(draft.itemID) in the local view; sync first", field: "item")
        }
        let memberID = draft.memberID ?? item.memberID
        guard member != nil else {
            throw ClientError(.unknownMember, "no member \(memberID) in the local view; sync first", field: "member")
        }
        guard memberID == item.memberID else {
            throw ClientError.invalid("member", "item \(item.id) is for another member of the family")
        }
        let inspected = try await inspect(draft.files, field: "files")
        var warnings = Validation.evidenceWarnings(
            serviceCode: item.serviceCode, kinds: Set(draft.files.map(\.kind)), location: draft.location)
        if options.strictEvidence, let missing = warnings.first(where: { $0.code.hasPrefix("missing_") }) {
            throw ClientError(.evidenceMissing, missing.message, field: "files")
        }
        if item.status == .cancelled {
            warnings.append(
                EvidenceWarning(
                    code: "item_cancelled",
                    message: "the item was cancelled; the server keeps the completion and opens a conflict"))
        }
        let completionID = WireID.timeOrdered()
        let eventID = WireID.timeOrdered()
        let captured = try await capture(inspected, eventID: eventID, completionID: completionID, now: now)
        let payload = EventPayload.complete(
            CompletePayload(
                completionID: completionID, memberID: memberID, performedAt: draft.performedAt, note: draft.note,
                location: draft.location, files: captured.map(\.declared)))
        let seq = try await commit(
            eventID: eventID, itemID: item.id, baseVersion: item.version, now: now, payload: payload,
            completionID: completionID, files: captured)
        return RecordedEvent(
            eventID: eventID, deviceSeq: seq, type: .complete, itemID: item.id, completionID: completionID,
            files: captured.map(\.declared.attachmentID), warnings: warnings)
    }

    /// Records an amendment: new note, time or location, and/or added files (sync-v1 §6.1 `amend`).
    ///
    /// `base_completion_rev` is the rev the view expects once this device's pending events apply.
    /// - Throws: `unknownCompletion`, `invalidInput` (nothing to change, voided completion, bad values),
    ///   the file errors of `complete`, `storage`.
    @discardableResult
    public func amend(_ draft: AmendDraft) async throws(ClientError) -> RecordedEvent {
        let now = options.now()
        guard draft.note != nil || draft.performedAt != nil || draft.location != nil || !draft.addFiles.isEmpty else {
            throw ClientError.invalid("changes", "an amendment needs a new note, time, location or file")
        }
        try Validation.note(draft.note)
        if let performedAt = draft.performedAt {
            try Validation.performedAt(performedAt, now: now, field: "performed_at")
        }
        try Validation.location(draft.location, field: "location")
        try Validation.fileCount(draft.addFiles.count)
        let (completion, item) = try await activeCompletion(draft.completionID)
        let inspected = try await inspect(draft.addFiles, field: "add_files")
        let eventID = WireID.timeOrdered()
        let captured = try await capture(inspected, eventID: eventID, completionID: completion.id, now: now)
        let payload = EventPayload.amend(
            AmendPayload(
                completionID: completion.id, baseCompletionRev: completion.expectedRev,
                changes: AmendChanges(note: draft.note, performedAt: draft.performedAt, location: draft.location),
                addFiles: captured.isEmpty ? nil : captured.map(\.declared)))
        let seq = try await commit(
            eventID: eventID, itemID: item.id, baseVersion: item.version, now: now, payload: payload,
            completionID: completion.id, files: captured)
        return RecordedEvent(
            eventID: eventID, deviceSeq: seq, type: .amend, itemID: item.id, completionID: completion.id,
            files: captured.map(\.declared.attachmentID), warnings: [])
    }

    /// Records that a completion was made by mistake (sync-v1 §6.1 `void`); it stays stored and visible.
    ///
    /// - Throws: `unknownCompletion`, `invalidInput` (reason not 1-500 characters, already voided), `storage`.
    @discardableResult
    public func void(completionID: WireID, reason: String) async throws(ClientError) -> RecordedEvent {
        let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...500).contains(trimmed.count) else {
            throw ClientError.invalid("reason", "a void needs a reason of 1 to 500 characters")
        }
        let (completion, item) = try await activeCompletion(completionID)
        let eventID = WireID.timeOrdered()
        let payload = EventPayload.void(
            VoidPayload(completionID: completion.id, baseCompletionRev: completion.expectedRev, reason: trimmed))
        let seq = try await commit(
            eventID: eventID, itemID: item.id, baseVersion: item.version, now: options.now(), payload: payload,
            completionID: completion.id, files: [])
        return RecordedEvent(
            eventID: eventID, deviceSeq: seq, type: .void, itemID: item.id, completionID: completion.id, files: [],
            warnings: [])
    }

    /// Records a resolution of an open conflict (sync-v1 §8.4); the first resolve in server order wins.
    ///
    /// - Throws: `unknownConflict` (not in view, resolved, or a resolve already pending), `invalidInput`
    ///   (resolution not allowed for the kind, chosen event not one of the conflict's), `storage`.
    @discardableResult
    public func resolve(
        conflictID: WireID, resolution: Resolution, chosenEventID: WireID? = nil, comment: String? = nil
    ) async throws(ClientError) -> RecordedEvent {
        let inbox = try await inbox()
        guard let entry = inbox.conflicts.first(where: { $0.conflict.id == conflictID }) else {
            throw ClientError(.unknownConflict, "no open conflict \(conflictID) in the local view", field: "conflict")
        }
        guard !entry.resolutionPending else {
            throw ClientError(.unknownConflict, "a resolve for conflict \(conflictID) is already waiting to sync")
        }
        try Validation.resolution(resolution, chosenEventID: chosenEventID, for: entry.conflict)
        if let comment, comment.count > 2000 {
            throw ClientError.invalid("comment", "the comment is longer than 2000 characters")
        }
        let conflict = entry.conflict
        let item = try await store.lookup(.planItem, conflict.itemID, as: PlanItem.self)
        let eventID = WireID.timeOrdered()
        let payload = EventPayload.resolve(
            ResolvePayload(
                conflictID: conflict.id, resolution: resolution, chosenEventID: chosenEventID, comment: comment))
        let seq = try await commit(
            eventID: eventID, itemID: conflict.itemID, baseVersion: item?.version ?? 1,
            now: options.now(), payload: payload, completionID: conflict.completionID, files: [])
        return RecordedEvent(
            eventID: eventID, deviceSeq: seq, type: .resolve, itemID: conflict.itemID,
            completionID: conflict.completionID, files: [], warnings: [])
    }

    // MARK: Steps

    private func activeCompletion(_ id: WireID) async throws(ClientError) -> (CompletionView, PlanItem) {
        let snapshot = try await store.snapshot(completionID: id)
        guard let completion = snapshot.completionViews().byID[id] else {
            throw ClientError(.unknownCompletion, "no completion \(id) in the local view", field: "completion")
        }
        guard completion.state == .active else {
            throw ClientError.invalid("completion", "completion \(id) is voided")
        }
        guard let item = snapshot.items[completion.itemID] else {
            throw ClientError(.unknownItem, "the completion's plan item is not in the local view; sync first")
        }
        return (completion, item)
    }

    struct Inspected: Sendable {
        var input: EvidenceInput
        var size: Int64
        var contentType: String
        var field: String
    }

    typealias Captured = CapturedFile

    /// Checks every file before anything is copied: exists, readable, non-empty, a known type that agrees
    /// with the declared kind, within the size limit.
    private func inspect(_ inputs: [EvidenceInput], field: String) async throws(ClientError) -> [Inspected] {
        do {
            return try await Blocking.run {
                var result: [Inspected] = []
                for (index, input) in inputs.enumerated() {
                    let name = "\(field)[\(index)]"
                    try Validation.location(input.location, field: name + ".location")
                    let (size, header) = try FileIO.inspect(input.path, field: name)
                    guard size <= Validation.maxFileBytes else {
                        throw ClientError.invalid(name, "\(input.path) is larger than 4 GiB")
                    }
                    guard let type = MediaSniffer.contentType(of: header) else {
                        throw ClientError(
                            .fileTypeMismatch,
                            "\(input.path) is not JPEG, PNG, HEIC, MP4, MOV, 3GP, WebM or PDF", field: name)
                    }
                    guard MediaSniffer.allows(type, as: input.kind) else {
                        throw ClientError(
                            .fileTypeMismatch, "\(input.path) is \(type), which cannot be a \(input.kind.rawValue)",
                            field: name)
                    }
                    result.append(Inspected(input: input, size: size, contentType: type, field: name))
                }
                return result
            }
        } catch {
            throw ClientError.wrap(error)
        }
    }

    /// Copies each file into the store (temp, fsync, rename) and hashes the copy; on error removes every copy.
    private func capture(
        _ files: [Inspected], eventID: WireID, completionID: WireID, now: Timestamp
    ) async throws(ClientError) -> [Captured] {
        let folder = store.filesFolder
        do {
            return try await Blocking.run {
                var done: [Captured] = []
                do {
                    for file in files {
                        let id = WireID.timeOrdered()
                        let relative = "files/" + id.description
                        let destination = folder + "/" + id.description
                        try FileIO.durableCopy(from: file.input.path, to: destination)
                        done.append(
                            Captured(
                                declared: DeclaredFile(
                                    attachmentID: id, kind: file.input.kind, contentType: file.contentType,
                                    size: Int(file.size), sha256: "", capturedAt: file.input.capturedAt ?? now,
                                    source: file.input.source,
                                    fileName: file.input.fileName ?? (file.input.path as NSString).lastPathComponent,
                                    location: file.input.location), relativePath: relative))
                        let (size, _) = try FileIO.inspect(destination, field: file.field)
                        guard size == file.size else {
                            throw ClientError(.fileUnreadable, "\(file.input.path) changed while it was copied")
                        }
                        do {
                            done[done.count - 1].declared.sha256 = try SHA256.hash(fileAt: destination).hex
                        } catch {
                            throw ClientError(.storage, "cannot hash the copy of \(file.input.path): \(error)")
                        }
                    }
                    return done
                } catch {
                    for file in done { FileIO.remove(folder + "/" + file.declared.attachmentID.description) }
                    throw error
                }
            }
        } catch {
            throw ClientError.wrap(error)
        }
    }

    /// Appends the event and its files in one transaction; removes the copies when it fails.
    private func commit(
        eventID: WireID, itemID: WireID, baseVersion: Int, now: Timestamp, payload: EventPayload,
        completionID: WireID?, files: [Captured]
    ) async throws(ClientError) -> Int {
        do {
            return try await store.record(
                eventID: eventID, itemID: itemID, baseVersion: baseVersion, recordedAt: now, payload: payload,
                completionID: completionID, files: files)
        } catch {
            let folder = store.filesFolder
            for file in files { FileIO.remove(folder + "/" + file.declared.attachmentID.description) }
            throw error
        }
    }
}
