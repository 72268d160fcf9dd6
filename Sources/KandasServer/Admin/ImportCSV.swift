import Foundation
import KandasProtocol
import KandasStore

/// Turns an import CSV (Protocol §4.8) into families: one row per member, or per member and service;
/// rows sharing `family_ref` form one family and must agree on the family columns.
enum ImportCSV {
    static let columns = [
        "family_ref", "career_centre_id", "assigned_worker_usernames", "settlement_name", "settlement_latitude",
        "settlement_longitude", "address", "quota_inclusion_date", "iin", "last_name", "first_name",
        "patronymic", "birth_date", "relation", "service_code", "due_date", "instructions",
    ]
    static let familyColumns = Array(columns[1...7])
    static let required: Set<String> = [
        "family_ref", "career_centre_id", "assigned_worker_usernames", "settlement_name", "quota_inclusion_date", "iin",
        "last_name", "first_name", "birth_date", "relation",
    ]

    static func units(_ db: any DatabaseConnection, _ bytes: [UInt8]) throws -> [ImportHandlers.Unit] {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw ServerError(.malformedJSON, "the CSV is not valid UTF-8")
        }
        let records: [[String]]
        do {
            records = try CSVParser.parse(bytes)
        } catch {
            throw ServerError.field(.invalidField, "line:\(error.line)", error.detail)
        }
        guard let header = records.first else { throw ServerError(.invalidField, "the CSV has no header row") }
        for name in header where !columns.contains(name) {
            throw ServerError.field(.unknownField, "column:" + name, "unknown column")
        }
        for name in required where !header.contains(name) {
            throw ServerError.field(.missingField, "column:" + name, "required column is missing")
        }
        guard records.count - 1 <= ImportHandlers.maxRows else {
            throw ServerError(.bodyTooLarge, "too many rows", limit: ImportHandlers.maxRows)
        }
        var order: [String] = []
        var byRef: [String: [(row: Int, fields: [String: String])]] = [:]
        for (index, record) in records.dropFirst().enumerated() {
            var fields: [String: String] = [:]
            for (i, name) in header.enumerated() where i < record.count {
                let value = record[i].trimmingCharacters(in: .whitespaces)
                if !value.isEmpty { fields[name] = value }
            }
            let ref = fields["family_ref"] ?? ""
            if byRef[ref] == nil { order.append(ref) }
            byRef[ref, default: []].append((index + 1, fields))
        }
        var usernames: [String: WireID?] = [:]
        return try order.map { ref in try unit(db, ref: ref, rows: byRef[ref] ?? [], usernames: &usernames) }
    }

    static func unit(
        _ db: any DatabaseConnection, ref: String, rows: [(row: Int, fields: [String: String])],
        usernames: inout [String: WireID?]
    ) throws -> ImportHandlers.Unit {
        var unit = ImportHandlers.Unit(ref: ref, rows: rows.map(\.row), csv: true)
        func fail(_ row: Int, _ column: String, _ code: ErrorCode, _ detail: String) {
            unit.errors[row, default: []].append(ImportFieldError(field: column, code: code.rawValue, detail: detail))
        }
        guard let first = rows.first else { return unit }
        if ref.isEmpty { fail(first.row, "family_ref", .missingField, "every row needs a family_ref") }
        for (row, fields) in rows.dropFirst() {
            for column in familyColumns where fields[column] != first.fields[column] {
                fail(row, column, .invalidField, "differs from the family's first row")
            }
        }
        let f = first.fields
        let centre = WireID(f["career_centre_id"] ?? "")
        if centre == nil { fail(first.row, "career_centre_id", .invalidField, "expected a lowercase UUID") }
        var workers: [WireID] = []
        for name in (f["assigned_worker_usernames"] ?? "").split(separator: ";").map(String.init) {
            if usernames[name] == nil {
                usernames[name] =
                    try OrganisationStore.userID(db, username: name).flatMap { WireID($0) }
            }
            if let id = usernames[name] ?? nil {
                workers.append(id)
            } else {
                fail(first.row, "assigned_worker_usernames", .invalidField, "unknown username")
            }
        }
        let lat = f["settlement_latitude"].map { Double($0) }
        let lon = f["settlement_longitude"].map { Double($0) }
        if lat == .some(nil) { fail(first.row, "settlement_latitude", .invalidField, "expected a number") }
        if lon == .some(nil) { fail(first.row, "settlement_longitude", .invalidField, "expected a number") }
        let quota = CalendarDate(f["quota_inclusion_date"] ?? "")
        if quota == nil { fail(first.row, "quota_inclusion_date", .invalidField, "expected YYYY-MM-DD") }
        var members: [MemberCreate] = []
        var items: [ImportPlanItem] = []
        var memberIndex: [String: Int] = [:]
        for (row, fields) in rows {
            let iin = fields["iin"] ?? ""
            if memberIndex[iin] == nil {
                let birth = CalendarDate(fields["birth_date"] ?? "")
                let relation = Relation(rawValue: fields["relation"] ?? "")
                if birth == nil { fail(row, "birth_date", .invalidField, "expected YYYY-MM-DD") }
                if relation == nil { fail(row, "relation", .invalidField, "head|spouse|child|parent|sibling|other") }
                if let birth, let relation {
                    memberIndex[iin] = members.count
                    unit.memberRows.append(row)
                    members.append(
                        MemberCreate(
                            iin: iin, lastName: fields["last_name"] ?? "", firstName: fields["first_name"] ?? "",
                            patronymic: fields["patronymic"], birthDate: birth, relation: relation))
                }
            }
            if let code = fields["service_code"] {
                let due = CalendarDate(fields["due_date"] ?? "")
                guard let service = Int(code) else {
                    fail(row, "service_code", .invalidField, "expected an integer 1-25")
                    continue
                }
                guard let due else {
                    fail(row, "due_date", .invalidField, "expected YYYY-MM-DD with a service")
                    continue
                }
                unit.itemRows.append(row)
                items.append(
                    ImportPlanItem(
                        memberIIN: iin, serviceCode: service, dueDate: due, instructions: fields["instructions"]))
            }
        }
        if let centre, let quota, unit.errors.isEmpty {
            unit.family = ImportFamily(
                ref: ref, careerCentreID: centre, assignedWorkerIDs: workers,
                settlement: Settlement(name: f["settlement_name"] ?? "", latitude: lat ?? nil, longitude: lon ?? nil),
                address: f["address"], quotaInclusionDate: quota,
                members: members, planItems: items)
        }
        return unit
    }

    /// The CSV column for a validation pointer inside a family.
    static func column(for parts: [String]) -> String {
        switch parts.first {
        case "members": return parts.count > 2 ? parts[2] : "iin"
        case "plan_items": return parts.count > 2 ? parts[2] : "service_code"
        case "settlement": return "settlement_" + (parts.count > 1 ? parts[1] : "name")
        case "assigned_worker_ids": return "assigned_worker_usernames"
        case let name?: return name
        case nil: return "family_ref"
        }
    }
}
