import KandasProtocol
import KandasStore

/// Pull's fast path for completions, the kind that dominates a pull (issue 15 item 2): each row is
/// written as the wire bytes of its `Change` straight from the statement's columns, without building
/// `Completion`/`EvidenceFile` values or the generic encoder's tree.
///
/// The bytes are exactly those of ``JSONCoding/encodeBytes(_:)`` for the `Change` that
/// ``ChangeLoader/changes(_:)`` builds from the same rows (keys sorted, optional fields omitted when
/// absent, the same fallbacks for unknown stored enum values); `ChangeLoaderTests` compares the two
/// for every entity kind, odd strings, absent and present optionals. A page reads the completions,
/// their files and their conflict links with one statement each (the IDs bound as one JSON array).
extension ChangeLoader {
    /// Encoded completions of one chunk: every object's `data` bytes in one buffer.
    struct CompletionBytes {
        var buffer: [UInt8] = []
        var ranges: [String: Range<Int>] = [:]
    }

    /// Appends the changes of `entries`, in their order, each preceded by a comma unless `first`.
    ///
    /// Completion puts are written by ``completionBytes(_:)``; every other change is built by
    /// ``changes(_:)`` and encoded by the wire encoder.
    func write(_ entries: ArraySlice<SyncFeed.Entry>, to out: inout [UInt8], first: inout Bool) throws {
        var completionIDs: [String] = []
        var others: [SyncFeed.Entry] = []
        for entry in entries {
            if Self.isFastCompletion(entry) {
                if Self.isWireID(entry.entityID) { completionIDs.append(entry.entityID) }
            } else {
                others.append(entry)
            }
        }
        let completions = try completionBytes(completionIDs)
        let rest = try changes(others[...])
        var next = 0
        for entry in entries {
            if Self.isFastCompletion(entry) {
                guard Self.isWireID(entry.entityID) else { continue }
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                guard let range = completions.ranges[entry.entityID] else {
                    // Gone since it was recorded: a delete, as the generic path writes it.
                    // swift-format-ignore: NeverForceUnwrap
                    let id = WireID(entry.entityID)!
                    out.append(
                        contentsOf: try JSONCoding.encodeBytes(
                            Change.delete(seq: Int(entry.seq), entity: .completion, id: id)))
                    continue
                }
                JSONBytes.raw(#"{"data":"#, to: &out)
                out.append(contentsOf: completions.buffer[range])
                JSONBytes.raw(#","entity":"completion","id":""#, to: &out)
                out.append(contentsOf: entry.entityID.utf8)
                JSONBytes.raw(#"","op":"put","seq":"#, to: &out)
                JSONBytes.int(entry.seq, to: &out)
                out.append(UInt8(ascii: "}"))
            } else if next < rest.count, rest[next].seq == Int(entry.seq) {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                out.append(contentsOf: try JSONCoding.encodeBytes(rest[next]))
                next += 1
            }
        }
    }

    static func isFastCompletion(_ entry: SyncFeed.Entry) -> Bool {
        !entry.isDelete && entry.entity == .completion
    }

    static func isWireID(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { JSONBytes.isWireID($0) }
    }

    /// Column positions of ``completionColumns``.
    enum C {
        static let id = 0
        static let itemID = 1
        static let planID = 2
        static let familyID = 3
        static let memberID = 4
        static let serviceCode = 5
        static let deviceID = 6
        static let userID = 7
        static let state = 8
        static let rev = 9
        static let primary = 10
        static let performedAt = 11
        static let recordedAt = 12
        static let receivedAt = 13
        static let clockSkew = 14
        static let note = 15
        /// The first of the seven ``StoredLocation`` columns.
        static let location = 16
        static let filesDeclared = 23
        static let filesVerified = 24
        static let flagBits = 25
        static let missingBits = 26
        static let reviewState = 27
        static let createdAt = 28
        static let updatedAt = 29
    }

    /// A completion's plan is its item's and its creation its receipt (migration 0038:
    /// ``CompletionStore/planSQL``, ``CompletionStore/createdSQL``); its location, flags and missing
    /// list are numbers (0040: ``StoredLocation``, ``EvidenceBits``); its family and member are its
    /// item's, its device its event's (0041), read with one join each (``completionFrom``).
    static let completionColumns =
        "c.id, ktext(c.item_id), ci.plan_id, ci.family_id, ci.member_id, c.service_code, ktext(ce.device_id),"
        + " ktext(c.user_id),"
        + " c.state, c.rev, c.is_primary, c.performed_at, c.recorded_at, c.received_at, c.clock_skew_ms, c.note,"
        + " \(StoredLocation.select("c")), c.files_declared, c.files_verified, c.flag_bits, c.missing_bits,"
        + " c.review_state, \(CompletionStore.createdSQL), c.updated_at"

    /// The FROM of ``completionColumns``: a completion (`c`) with its item (`ci`) and event (`ce`).
    static let completionFrom =
        "completions c LEFT JOIN plan_items ci ON ci.id = ktext(c.item_id) LEFT JOIN device_events ce ON ce.seq = c.event_seq"

    /// Column positions of ``fileColumns``.
    enum F {
        static let id = 0
        static let completionID = 1
        static let kind = 2
        static let contentType = 3
        static let size = 4
        static let sha256 = 5
        static let capturedAt = 6
        static let source = 7
        static let fileName = 8
        static let location = 9
        static let state = 10
        static let receivedBytes = 11
        static let verifiedAt = 12
    }

    static let fileColumns =
        "a.id, a.completion_id, a.kind, a.content_type, a.size, a.sha256, a.captured_at, a.source, a.file_name,"
        + " a.location, a.state, a.received_bytes, a.verified_at"

    /// The `data` bytes of the completions with these stored IDs (absent ones are missing).
    func completionBytes(_ ids: [String]) throws -> CompletionBytes {
        var result = CompletionBytes()
        guard !ids.isEmpty else { return result }
        let list = Self.jsonArray(ids)
        // Files, in declaration order, grouped by completion (one range of encoded objects each).
        var files = CompletionBytes()
        var current: String?
        var start = 0
        let fileRows = try db.prepare(
            "SELECT \(Self.fileColumns) FROM attachments a WHERE a.completion_id IN \(idList)"
                + " ORDER BY a.completion_id, a.position")
        defer { fileRows.reset() }
        try fileRows.bind([.text(list)])
        try fileRows.forEachRow { row in
            let owner = try Self.string(row, F.completionID)
            if owner != current {
                if let current { files.ranges[current] = start..<files.buffer.count }
                current = owner
                start = files.buffer.count
            } else {
                files.buffer.append(UInt8(ascii: ","))
            }
            try Self.writeFile(row, to: &files.buffer)
        }
        if let current { files.ranges[current] = start..<files.buffer.count }
        var conflicts: [String: [UInt8]] = [:]
        let conflictRows = try db.prepare(
            "SELECT completion_id, conflict_id FROM conflict_completions WHERE completion_id IN \(idList)"
                + " ORDER BY completion_id, conflict_id")
        defer { conflictRows.reset() }
        try conflictRows.bind([.text(list)])
        try conflictRows.forEachRow { row in
            let owner = try Self.string(row, 0)
            if conflicts[owner] != nil { conflicts[owner]?.append(UInt8(ascii: ",")) }
            try Self.writeID(row, 1, to: &conflicts[owner, default: []])
        }
        result.buffer.reserveCapacity(ids.count * 900)
        let rows = try db.prepare(
            "SELECT \(Self.completionColumns) FROM \(Self.completionFrom) WHERE c.id IN \(idList)")
        defer { rows.reset() }
        try rows.bind([.text(list)])
        try rows.forEachRow { row in
            let id = try Self.string(row, C.id)
            let begin = result.buffer.count
            try Self.writeCompletion(
                row, files: files.ranges[id].map { files.buffer[$0] } ?? [], conflicts: conflicts[id] ?? [],
                to: &result.buffer)
            result.ranges[id] = begin..<result.buffer.count
        }
        return result
    }

    /// One completion's object, keys in the wire encoder's (sorted) order.
    static func writeCompletion(
        _ row: ColumnValues, files: ArraySlice<UInt8>, conflicts: [UInt8], to out: inout [UInt8]
    ) throws {
        let missing = try int(row, C.missingBits)
        let complete = missing == 0
        JSONBytes.raw(#"{"clock_skew_ms":"#, to: &out)
        JSONBytes.int(try int(row, C.clockSkew), to: &out)
        JSONBytes.raw(#","completeness":"#, to: &out)
        JSONBytes.raw(complete ? #""complete""# : #""incomplete""#, to: &out)
        JSONBytes.raw(#","conflict_ids":["#, to: &out)
        out.append(contentsOf: conflicts)
        JSONBytes.raw(#"],"created_at":"#, to: &out)
        JSONBytes.timestamp(try int(row, C.createdAt), to: &out)
        JSONBytes.raw(#","device_id":"#, to: &out)
        try writeID(row, C.deviceID, to: &out)
        JSONBytes.raw(#","evidence_flags":"#, to: &out)
        EvidenceBits.write(try int(row, C.flagBits), EvidenceBits.flags, to: &out)
        JSONBytes.raw(#","evidence_missing":"#, to: &out)
        EvidenceBits.write(missing, EvidenceBits.missing, to: &out)
        JSONBytes.raw(#","family_id":"#, to: &out)
        try writeID(row, C.familyID, to: &out)
        JSONBytes.raw(#","files":["#, to: &out)
        out.append(contentsOf: files)
        JSONBytes.raw(#"],"files_declared":"#, to: &out)
        JSONBytes.int(try int(row, C.filesDeclared), to: &out)
        JSONBytes.raw(#","files_verified":"#, to: &out)
        JSONBytes.int(try int(row, C.filesVerified), to: &out)
        JSONBytes.raw(#","id":"#, to: &out)
        try writeID(row, C.id, to: &out)
        JSONBytes.raw(#","item_id":"#, to: &out)
        try writeID(row, C.itemID, to: &out)
        if let location = StoredLocation.read(row, at: C.location) {
            JSONBytes.raw(#","location":"#, to: &out)
            writeLocation(location, to: &out)
        }
        JSONBytes.raw(#","member_id":"#, to: &out)
        try writeID(row, C.memberID, to: &out)
        if case .text(let note) = row[C.note] {
            JSONBytes.raw(#","note":"#, to: &out)
            JSONBytes.string(utf8: note, to: &out)
        }
        JSONBytes.raw(#","performed_at":"#, to: &out)
        JSONBytes.timestamp(try int(row, C.performedAt), to: &out)
        JSONBytes.raw(#","plan_id":"#, to: &out)
        try writeID(row, C.planID, to: &out)
        JSONBytes.raw(#","primary":"#, to: &out)
        guard case .integer(let primary) = row[C.primary] else {
            throw ServerError(.internalError, "stored is_primary is not a boolean")
        }
        JSONBytes.raw(primary != 0 ? "true" : "false", to: &out)
        JSONBytes.raw(#","received_at":"#, to: &out)
        JSONBytes.timestamp(try int(row, C.receivedAt), to: &out)
        JSONBytes.raw(#","recorded_at":"#, to: &out)
        JSONBytes.timestamp(try int(row, C.recordedAt), to: &out)
        JSONBytes.raw(#","rev":"#, to: &out)
        JSONBytes.int(try int(row, C.rev), to: &out)
        JSONBytes.raw(#","review_state":"#, to: &out)
        JSONBytes.string((ReviewState(rawValue: try string(row, C.reviewState)) ?? .pending).rawValue, to: &out)
        JSONBytes.raw(#","service_code":"#, to: &out)
        JSONBytes.int(try int(row, C.serviceCode), to: &out)
        JSONBytes.raw(#","state":"#, to: &out)
        JSONBytes.string((CompletionState(rawValue: try string(row, C.state)) ?? .active).rawValue, to: &out)
        JSONBytes.raw(#","updated_at":"#, to: &out)
        JSONBytes.timestamp(try int(row, C.updatedAt), to: &out)
        JSONBytes.raw(#","user_id":"#, to: &out)
        try writeID(row, C.userID, to: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// One declared file's object (``EvidenceFile``), keys sorted.
    static func writeFile(_ row: ColumnValues, to out: inout [UInt8]) throws {
        JSONBytes.raw(#"{"attachment_id":"#, to: &out)
        try writeID(row, F.id, to: &out)
        JSONBytes.raw(#","captured_at":"#, to: &out)
        JSONBytes.timestamp(try int(row, F.capturedAt), to: &out)
        JSONBytes.raw(#","completion_id":"#, to: &out)
        try writeID(row, F.completionID, to: &out)
        JSONBytes.raw(#","content_type":"#, to: &out)
        JSONBytes.string(utf8: try text(row, F.contentType), to: &out)
        if case .text(let name) = row[F.fileName] {
            JSONBytes.raw(#","file_name":"#, to: &out)
            JSONBytes.string(utf8: name, to: &out)
        }
        JSONBytes.raw(#","kind":"#, to: &out)
        JSONBytes.string((FileKind(rawValue: try string(row, F.kind)) ?? .document).rawValue, to: &out)
        if case .text(let text) = row[F.location] { writeStoredLocation(text, to: &out) }
        JSONBytes.raw(#","received_bytes":"#, to: &out)
        JSONBytes.int(try int(row, F.receivedBytes), to: &out)
        JSONBytes.raw(#","sha256":"#, to: &out)
        JSONBytes.string(utf8: try text(row, F.sha256), to: &out)
        JSONBytes.raw(#","size":"#, to: &out)
        JSONBytes.int(try int(row, F.size), to: &out)
        JSONBytes.raw(#","source":"#, to: &out)
        JSONBytes.string((FileSource(rawValue: try string(row, F.source)) ?? .file).rawValue, to: &out)
        JSONBytes.raw(#","upload_state":"#, to: &out)
        JSONBytes.string((UploadState(rawValue: try string(row, F.state)) ?? .declared).rawValue, to: &out)
        if let verified = row.int(F.verifiedAt) {
            JSONBytes.raw(#","verified_at":"#, to: &out)
            JSONBytes.timestamp(verified, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// `,"location":{...}` for a stored location column (a file's), nothing when it does not decode (as the
    /// decoding path omits it). The form the store writes (the wire encoder's, keys sorted) is read
    /// by ``parseStoredLocation(_:)`` without the generic decoder; any other text is decoded by it.
    static func writeStoredLocation(_ text: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        guard
            let location = parseStoredLocation(text)
                ?? decodeJSON(Geolocation.self, String(decoding: text, as: UTF8.self))
        else { return }
        JSONBytes.raw(#","location":"#, to: &out)
        writeLocation(location, to: &out)
    }

    /// ``writeStoredLocation(_:to:)`` of a `String` (tests).
    static func writeStoredLocation(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { writeStoredLocation($0, to: &out) }
    }

    /// A location in exactly the wire encoder's form (`{"accuracy_m":8,"fix_time":"...",...}`), its
    /// numbers parsed as ``JSONValue/parse(_:)`` parses them; nil for anything else.
    static func parseStoredLocation(_ b: UnsafeBufferPointer<UInt8>) -> Geolocation? {
        var r = LocationReader(b: b)
        guard r.literal(#"{"accuracy_m":"#), let accuracy = r.number() else { return nil }
        var altitude: Double?
        if r.literal(#","altitude_m":"#) {
            guard let value = r.number() else { return nil }
            altitude = value
        }
        guard r.literal(#","fix_time":"#),
            let time = r.quoted().flatMap({ Timestamp(String(decoding: $0, as: UTF8.self)) }),
            r.literal(#","latitude":"#), let latitude = r.number(), r.literal(#","longitude":"#),
            let longitude = r.number(), r.literal(#","mock":"#)
        else { return nil }
        let mock: Bool
        if r.literal("true") {
            mock = true
        } else if r.literal("false") {
            mock = false
        } else {
            return nil
        }
        guard r.literal(#","provider":"#), let word = r.quoted(),
            let provider = LocationProvider(rawValue: String(decoding: word, as: UTF8.self)), r.literal("}"),
            r.i == b.count
        else { return nil }
        return Geolocation(
            latitude: latitude, longitude: longitude, accuracyMeters: accuracy, fixTime: time, provider: provider,
            mock: mock, altitudeMeters: altitude)
    }

    /// A cursor over stored location text.
    struct LocationReader {
        let b: UnsafeBufferPointer<UInt8>
        var i = 0

        mutating func literal(_ text: StaticString) -> Bool {
            let n = text.utf8CodeUnitCount
            guard i + n <= b.count else { return false }
            for k in 0..<n where b[i + k] != text.utf8Start[k] { return false }
            i += n
            return true
        }

        /// A JSON number, as the one-pass parser reads it (short integers exactly, others by `Double`); finite only.
        mutating func number() -> Double? {
            let start = i
            var integral = true
            if i < b.count, b[i] == UInt8(ascii: "-") { i += 1 }
            guard i < b.count, isDigit(b[i]) else { return nil }
            if b[i] == UInt8(ascii: "0") {
                i += 1
                if i < b.count, isDigit(b[i]) { return nil }
            } else {
                while i < b.count, isDigit(b[i]) { i += 1 }
            }
            if i < b.count, b[i] == UInt8(ascii: ".") {
                integral = false
                i += 1
                guard i < b.count, isDigit(b[i]) else { return nil }
                while i < b.count, isDigit(b[i]) { i += 1 }
            }
            if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
                integral = false
                i += 1
                if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
                guard i < b.count, isDigit(b[i]) else { return nil }
                while i < b.count, isDigit(b[i]) { i += 1 }
            }
            let digits = UnsafeBufferPointer(rebasing: b[start..<i])
            if integral, digits.count <= 15 {
                var value = 0
                var negative = false
                for c in digits {
                    if c == UInt8(ascii: "-") { negative = true } else { value = value * 10 + Int(c - 0x30) }
                }
                return Double(negative ? -value : value)
            }
            guard let value = Double(String(decoding: digits, as: UTF8.self)), value.isFinite else { return nil }
            return value
        }

        /// The bytes of a string without escapes, between its quotes.
        mutating func quoted() -> UnsafeBufferPointer<UInt8>? {
            guard i < b.count, b[i] == UInt8(ascii: "\"") else { return nil }
            let start = i + 1
            var k = start
            while k < b.count, b[k] != UInt8(ascii: "\""), b[k] != UInt8(ascii: "\\"), b[k] >= 0x20 { k += 1 }
            guard k < b.count, b[k] == UInt8(ascii: "\"") else { return nil }
            i = k + 1
            return UnsafeBufferPointer(rebasing: b[start..<k])
        }

        func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    }

    /// A ``Geolocation``'s object, keys sorted, `altitude_m` only when present.
    static func writeLocation(_ g: Geolocation, to out: inout [UInt8]) {
        JSONBytes.raw(#"{"accuracy_m":"#, to: &out)
        JSONBytes.double(g.accuracyMeters, to: &out)
        if let altitude = g.altitudeMeters {
            JSONBytes.raw(#","altitude_m":"#, to: &out)
            JSONBytes.double(altitude, to: &out)
        }
        JSONBytes.raw(#","fix_time":"#, to: &out)
        JSONBytes.timestamp(g.fixTime.millisecondsSince1970, to: &out)
        JSONBytes.raw(#","latitude":"#, to: &out)
        JSONBytes.double(g.latitude, to: &out)
        JSONBytes.raw(#","longitude":"#, to: &out)
        JSONBytes.double(g.longitude, to: &out)
        JSONBytes.raw(#","mock":"#, to: &out)
        JSONBytes.raw(g.mock ? "true" : "false", to: &out)
        JSONBytes.raw(#","provider":"#, to: &out)
        JSONBytes.string(g.provider.rawValue, to: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// A stored UUID column as its quoted wire form; a malformed one is a store bug (500), as ``wireID(_:_:)``.
    static func writeID(_ row: ColumnValues, _ column: Int, to out: inout [UInt8]) throws {
        guard case .text(let text) = row[column], JSONBytes.isWireID(text) else {
            throw ServerError(.internalError, "stored identifier in pull column \(column) is malformed")
        }
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: text)
        out.append(UInt8(ascii: "\""))
    }

    /// A text column's bytes, valid during the row's call.
    static func text(_ row: ColumnValues, _ column: Int) throws -> UnsafeBufferPointer<UInt8> {
        guard case .text(let text) = row[column] else {
            throw ServerError(.internalError, "stored pull column \(column) is not text")
        }
        return text
    }

    static func string(_ row: ColumnValues, _ column: Int) throws -> String {
        String(decoding: try text(row, column), as: UTF8.self)
    }

    static func int(_ row: ColumnValues, _ column: Int) throws -> Int64 {
        guard let value = row.int(column) else {
            throw ServerError(.internalError, "stored pull column \(column) is not an integer")
        }
        return value
    }
}
