import Foundation
public import KandasClient
public import KandasDomain
public import KandasProtocol

/// The stable `--json` shapes of the CLI's listings: snake_case keys, sorted, absent values omitted
/// (as in `Protocol/`), IINs masked unless `--show-iin`.
public enum ViewJSON {
    /// An object from optional fields; `nil` fields are left out.
    public static func object(_ fields: [String: JSONValue?]) -> JSONValue {
        .object(fields.compactMapValues { $0 })
    }

    /// Any protocol value as its wire JSON.
    public static func encode<T: Encodable>(_ value: T) -> JSONValue {
        guard let data = try? JSONCoding.encode(value),
            let decoded = try? JSONCoding.makeDecoder().decode(JSONValue.self, from: data)
        else { return .null }
        return decoded
    }

    static func string(_ text: String?) -> JSONValue? { text.map(JSONValue.string) }
    static func number(_ value: Int) -> JSONValue { .number(Double(value)) }
    static func number(_ value: Int64) -> JSONValue { .number(Double(value)) }
    static func id(_ id: WireID?) -> JSONValue? { id.map { .string($0.description) } }
    static func time(_ time: Timestamp?) -> JSONValue? { time.map { .string($0.description) } }

    /// A member with the IIN masked per `format`.
    public static func member(_ member: Member, _ format: Format) -> JSONValue {
        object([
            "id": id(member.id), "family_id": id(member.familyID), "iin": .string(format.iin(member.iin)),
            "last_name": .string(member.lastName), "first_name": .string(member.firstName),
            "patronymic": string(member.patronymic), "relation": .string(member.relation.rawValue),
        ])
    }

    /// A family of the local view with its members.
    public static func family(_ view: FamilyView, _ format: Format) -> JSONValue {
        object([
            "id": id(view.family.id), "settlement": .string(view.family.settlement.name),
            "address": string(view.family.address), "open_items": number(view.openItems),
            "members": .array(view.members.map { member($0, format) }),
        ])
    }

    /// A plan item of the local view.
    public static func item(_ view: ItemView, _ language: Language) -> JSONValue {
        object([
            "id": id(view.item.id), "family_id": id(view.item.familyID), "member_id": id(view.item.memberID),
            "member_name": string(view.member.map(Self.name)), "service_code": number(view.item.serviceCode),
            "service_name": string(view.service?.name(in: language)),
            "due_date": .string(view.item.dueDate.description),
            "status": .string(view.displayedStatus.rawValue), "version": number(view.item.version),
            "instructions": string(view.item.instructions), "pending_events": number(view.pendingEvents),
            "open_conflicts": number(view.openConflicts.count),
            "completions": .array(view.completions.map(completion)),
        ])
    }

    /// A completion of the local view.
    public static func completion(_ view: CompletionView) -> JSONValue {
        object([
            "id": id(view.id), "item_id": id(view.itemID), "member_id": id(view.memberID),
            "state": .string(view.state.rawValue), "performed_at": time(view.performedAt), "note": string(view.note),
            "location": view.location.map(encode), "synced": .bool(view.server != nil),
            "pending_events": number(view.pendingEvents), "files": .array(view.files.map(file)),
            "review_state": string(view.server?.reviewState.rawValue),
            "completeness": string(view.server?.completeness.rawValue),
        ])
    }

    /// A file captured on this device.
    public static func file(_ file: LocalFile) -> JSONValue {
        object([
            "attachment_id": id(file.attachmentID), "completion_id": id(file.completionID),
            "kind": .string(file.kind.rawValue), "content_type": .string(file.contentType),
            "size": number(file.size), "sha256": .string(file.sha256), "state": .string(file.state.rawValue),
            "bytes_sent": number(file.bytesSent), "local_path": string(file.localPath),
            "last_error": string(file.lastError), "server_state": string(file.serverState?.rawValue),
            "server_state_at": time(file.serverStateAt),
        ])
    }

    /// A receipt as on the wire, each file also carrying its `local_state` on this device (absent for a
    /// file this device does not hold).
    public static func receipt(_ receipt: Receipt, localFiles: [WireID: LocalFile]) -> JSONValue {
        guard case .object(var fields) = encode(receipt), case .array(let files) = fields["files"] else {
            return encode(receipt)
        }
        fields["files"] = .array(
            zip(receipt.files, files).map { wire, value in
                guard case .object(var file) = value, let local = localFiles[wire.attachmentID] else { return value }
                file["local_state"] = .string(local.state.rawValue)
                return .object(file)
            })
        return .object(fields)
    }

    /// What `kandas status` shows.
    public static func summary(_ summary: ClientSummary, enrollment: Enrollment?) -> JSONValue {
        object([
            "enrolled": .bool(summary.enrolled), "re_enroll_required": .bool(summary.reEnrollRequired),
            "server_url": string(enrollment?.serverURL), "device_id": id(enrollment?.deviceID),
            "outbox_events": number(summary.outboxEvents), "outbox_bytes": number(summary.outboxBytes),
            "oldest_unsent_at": time(summary.oldestUnsentAt), "files_pending": number(summary.filesPending),
            "bytes_pending": number(summary.bytesPending), "files_failed": number(summary.filesFailed),
            "files_by_server_state": .object(
                Dictionary(uniqueKeysWithValues: summary.filesByServerState.map { ($0.key.rawValue, number($0.value)) })
            ),
            "quarantined_events": number(summary.quarantinedEvents), "last_error": string(summary.lastError),
            "last_sync_at": time(summary.lastSyncAt),
        ])
    }

    /// A recorded event and its capture-time warnings.
    public static func recorded(_ event: RecordedEvent) -> JSONValue {
        object([
            "event_id": id(event.eventID), "device_seq": number(event.deviceSeq), "type": .string(event.type.rawValue),
            "item_id": id(event.itemID), "completion_id": id(event.completionID),
            "files": .array(event.files.map { .string($0.description) }),
            "warnings": .array(
                event.warnings.map { object(["code": .string($0.code), "message": .string($0.message)]) }),
        ])
    }

    /// The inbox: open conflicts, reviews asking for changes, rejected events.
    public static func inbox(_ inbox: Inbox) -> JSONValue {
        object([
            "conflicts": .array(
                inbox.conflicts.map { entry in
                    var value = encode(entry.conflict)
                    if case .object(var fields) = value {
                        fields["resolution_pending"] = .bool(entry.resolutionPending)
                        value = .object(fields)
                    }
                    return value
                }),
            "reviews": .array(inbox.reviews.map(encode)),
            "quarantined": .array(
                inbox.quarantined.map {
                    object([
                        "event_id": id($0.eventID), "device_seq": number($0.deviceSeq), "type": .string($0.type),
                        "item_id": id($0.itemID), "code": .string($0.code), "detail": string($0.detail),
                    ])
                }),
        ])
    }

    /// What one sync did.
    public static func report(_ report: SyncReport, seconds: Double, openConflicts: Int) -> JSONValue {
        object([
            "events_pushed": number(report.eventsAccepted), "events_rejected": number(report.eventsRejected),
            "pages_pulled": number(report.pagesPulled), "changes_pulled": number(report.changesPulled),
            "mirror_reset": .bool(report.mirrorReset), "files_uploaded": number(report.filesUploaded),
            "files_held": number(report.filesHeld), "files_deferred": number(report.filesDeferred),
            "files_failed": number(report.filesFailed), "upload_bytes_sent": number(report.uploadBytesSent),
            "files_freed": number(report.filesFreed), "retries": number(report.retries),
            "duration_s": .number((seconds * 1000).rounded() / 1000), "open_conflicts": number(openConflicts),
        ])
    }

    /// `Last First Patronymic`.
    static func name(_ member: Member) -> String {
        ([member.lastName, member.firstName] + (member.patronymic.map { [$0] } ?? [])).joined(separator: " ")
    }
}
