import KandasDomain
import KandasProtocol

/// Capture-time checks; each failure names the field and says what would be valid (sync-v1 §6.1, §9).
enum Validation {
    static let maxNoteCharacters = 4000
    static let maxFiles = 50
    static let maxFileBytes: Int64 = 4 << 30
    /// Accuracy above which the server flags `low_accuracy` (§9.1).
    static let lowAccuracyMeters = 100.0
    /// Device clocks drift; a performance time this far ahead of the clock is still accepted.
    static let futureTolerance: Int64 = 5 * 60 * 1000

    static func note(_ note: String?) throws(ClientError) {
        guard let note else { return }
        guard note.count <= maxNoteCharacters else {
            throw ClientError.invalid("note", "the note has \(note.count) characters; at most 4000 are allowed")
        }
    }

    static func performedAt(_ time: Timestamp, now: Timestamp, field: String) throws(ClientError) {
        guard time.millisecondsSince1970 <= now.millisecondsSince1970 + futureTolerance else {
            throw ClientError.invalid(field, "the time performed (\(time)) is in the future")
        }
    }

    static func fileCount(_ count: Int) throws(ClientError) {
        guard count <= maxFiles else {
            throw ClientError.invalid("files", "\(count) files; at most 50 per completion are allowed")
        }
    }

    static func location(_ location: Geolocation?, field: String) throws(ClientError) {
        guard let location else { return }
        guard location.latitude.isFinite, (-90...90).contains(location.latitude) else {
            throw ClientError.invalid(field + ".latitude", "latitude \(location.latitude) is not within -90...90")
        }
        guard location.longitude.isFinite, (-180...180).contains(location.longitude) else {
            throw ClientError.invalid(field + ".longitude", "longitude \(location.longitude) is not within -180...180")
        }
        guard location.accuracyMeters.isFinite, location.accuracyMeters >= 0 else {
            throw ClientError.invalid(field + ".accuracy_m", "accuracy must be a number of metres ≥ 0")
        }
        if let altitude = location.altitudeMeters, !altitude.isFinite {
            throw ClientError.invalid(field + ".altitude_m", "altitude must be a finite number")
        }
    }

    /// What the service's evidence rule asks for that the completion lacks, plus location-quality flags.
    static func evidenceWarnings(serviceCode: Int, kinds: Set<FileKind>, location: Geolocation?) -> [EvidenceWarning] {
        var warnings: [EvidenceWarning] = []
        if let service = try? ServiceCatalog.service(code: serviceCode) {
            var present: Set<EvidenceRule.Kind> = []
            if kinds.contains(.photo) { present.insert(.photo) }
            if kinds.contains(.video) { present.insert(.video) }
            if kinds.contains(.document) { present.insert(.document) }
            if location != nil { present.insert(.geolocation) }
            for kind in EvidenceRule.Kind.allCases where !present.contains(kind) {
                let name = kind == .geolocation ? "location" : kind.rawValue
                switch service.evidence.requirement(for: kind) {
                case .required:
                    warnings.append(
                        EvidenceWarning(
                            code: "missing_" + name,
                            message: "service \(serviceCode) requires a \(name); the server will flag it for review"
                        ))
                case .recommended:
                    warnings.append(
                        EvidenceWarning(
                            code: "recommended_" + name, message: "service \(serviceCode) recommends a \(name)"))
                }
            }
        }
        if let location {
            if location.accuracyMeters > lowAccuracyMeters {
                warnings.append(
                    EvidenceWarning(
                        code: "low_accuracy",
                        message:
                            "location accuracy \(Int(location.accuracyMeters)) m is above 100 m; it will be flagged"
                    ))
            }
            if location.mock {
                warnings.append(
                    EvidenceWarning(
                        code: "mock_location", message: "the OS reported a mock location; it will be flagged"))
            }
        }
        return warnings
    }

    /// The resolutions §8.4 allows per conflict kind.
    static func resolution(_ resolution: Resolution, chosenEventID: WireID?, for conflict: Conflict) throws(ClientError)
    {
        switch resolution {
        case .keepDisplayed:
            guard chosenEventID == nil else {
                throw ClientError.invalid("chosen_event_id", "only choose_event takes a chosen event")
            }
        case .chooseEvent:
            guard conflict.kind == .amendSameField || conflict.kind == .duplicateCompletion else {
                throw ClientError.invalid("resolution", "choose_event is not allowed for \(conflict.kind.rawValue)")
            }
            guard let chosenEventID, conflict.eventIDs.contains(chosenEventID) else {
                throw ClientError.invalid("chosen_event_id", "choose one of the conflict's events")
            }
        case .voidCompletion:
            guard conflict.kind != .amendSameField, conflict.kind != .amendMerged else {
                throw ClientError.invalid("resolution", "void_completion is not allowed for \(conflict.kind.rawValue)")
            }
            guard chosenEventID == nil else {
                throw ClientError.invalid("chosen_event_id", "only choose_event takes a chosen event")
            }
        }
    }
}
