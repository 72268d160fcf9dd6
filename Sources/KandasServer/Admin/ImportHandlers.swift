import Foundation
import HTTPServer
import KandasProtocol
import KandasStore

/// `POST /imports`: families with members and draft plans from JSON or CSV, atomic per family (Protocol §4.8).
///
/// Every family is validated on its own; a family with any bad row is not imported at all and its
/// rows are reported (`error` for the rows at fault, `skipped` for the others), while good
/// families are imported. The whole import is one transaction (with its idempotency record), so a
/// crash imports nothing; `dry_run=true` validates and reports, then rolls everything back.
enum ImportHandlers {
    static let maxFamilies = 5000
    static let maxRows = 50_000

    /// One family of the file, with the row numbers its parts came from.
    struct Unit {
        var ref: String
        var family: ImportFamily?
        var rows: [Int]
        var memberRows: [Int] = []
        var itemRows: [Int] = []
        var errors: [Int: [ImportFieldError]] = [:]
        /// Whether `field` is a JSON pointer (JSON input) or a CSV column name.
        var csv: Bool
    }

    struct DryRun: Error { var reply: APIReply }

    static func run(_ ctx: RequestContext) throws -> HTTPResponse {
        let filters = try ctx.filters(["dry_run", "report"])
        let dryRun = try flag(filters, "dry_run")
        let full = filters["report"].map { $0 == "full" } ?? false
        if let report = filters["report"], report != "full" {
            throw ServerError.field(.invalidParameter, "query:report", "only report=full")
        }
        let type = (ctx.request.headers["Content-Type"] ?? "").split(separator: ";").first?
            .trimmingCharacters(in: .whitespaces).lowercased()
        return try ctx.write { db in
            let format: ImportFormat
            let units: [Unit]
            switch type {
            case "application/json":
                format = .json
                units = try jsonUnits(try ctx.body(ImportRequest.self))
            case "text/csv":
                format = .csv
                units = try ImportCSV.units(db, ctx.request.bodyBytes)
            default:
                throw ServerError(.unsupportedMediaType, "imports are application/json or text/csv")
            }
            let rowCount = units.reduce(0) { $0 + $1.rows.count }
            guard units.count <= maxFamilies, rowCount <= maxRows else {
                throw ServerError(
                    .bodyTooLarge, "at most \(maxFamilies) families and \(maxRows) rows", limit: maxRows)
            }
            let work = { () throws -> APIReply in
                var report = ImportReport(
                    id: WireID.random(), format: format, dryRun: dryRun,
                    createdAt: Timestamp(millisecondsSince1970: ctx.now), rowsTotal: rowCount, rowsOk: 0, rowsFailed: 0,
                    familiesCreated: 0, plansCreated: 0, rows: [])
                var seen = Set<String>()
                for var unit in units {
                    var familyID: String?
                    if unit.errors.isEmpty, let family = unit.family {
                        familyID = try importFamily(db, ctx, family, unit: &unit, seen: &seen, report: &report)
                    }
                    append(unit, familyID: familyID, full: full, to: &report)
                }
                try ctx.audit(
                    db, dryRun ? "import.dry_run" : "import.run", entityType: "import",
                    entityID: report.id.description,
                    summary: "\(report.familiesCreated) families, \(report.rowsFailed) rows failed")
                return try APIReply.json(report)
            }
            guard dryRun else { return try work() }
            // A dry run does the same work in a savepoint and rolls it back, keeping only the answer.
            do {
                try db.transaction { () throws -> Void in throw DryRun(reply: try work()) }
            } catch let done as DryRun {
                return done.reply
            }
            throw ServerError(.internalError, "dry run did not finish")
        }
    }

    static func flag(_ filters: [String: String], _ name: String) throws(ServerError) -> Bool {
        guard let value = filters[name] else { return false }
        guard value == "true" || value == "false" else {
            throw ServerError.field(.invalidParameter, "query:" + name, "true or false")
        }
        return value == "true"
    }

    static func jsonUnits(_ request: ImportRequest) throws(ServerError) -> [Unit] {
        var refs = Set<String>()
        return request.families.enumerated().map { index, family in
            let row = index + 1
            var unit = Unit(ref: family.ref, family: family, rows: [row], csv: false)
            unit.memberRows = Array(repeating: row, count: family.members.count)
            unit.itemRows = Array(repeating: row, count: family.planItems?.count ?? 0)
            if family.ref.isEmpty || family.ref.count > 100 || !refs.insert(family.ref).inserted {
                unit.errors[row] = [
                    ImportFieldError(field: "/ref", code: "invalid_field", detail: "refs are 1-100 characters, unique")
                ]
            }
            return unit
        }
    }

    /// Validates and inserts one family (and its draft plan) in a savepoint; returns its ID or nil.
    static func importFamily(
        _ db: any DatabaseConnection, _ ctx: RequestContext, _ f: ImportFamily, unit: inout Unit,
        seen: inout Set<String>,
        report: inout ImportReport
    ) throws -> String? {
        let create = FamilyCreate(
            careerCentreID: f.careerCentreID, assignedWorkerIDs: f.assignedWorkerIDs, settlement: f.settlement,
            address: f.address, quotaInclusionDate: f.quotaInclusionDate,
            members: f.members)
        var errors = try FamilyStore.validate(db, create, for: ctx.actor, seen: &seen)
        let iins = Set(f.members.map(\.iin))
        for (j, item) in (f.planItems ?? []).enumerated() {
            if !iins.contains(item.memberIIN) {
                errors.append(
                    FieldError(
                        pointer: "/plan_items/\(j)/member_iin", code: .invalidField,
                        detail: "not a member of this family"))
            }
            if !(1...25).contains(item.serviceCode) {
                errors.append(FieldError(pointer: "/plan_items/\(j)/service_code", code: .invalidField, detail: "1-25"))
            }
            collect(&errors) {
                try Validation.optionalText(item.instructions, "/plan_items/\(j)/instructions", max: 2000)
            }
        }
        guard errors.isEmpty else {
            for error in errors { unit.add(error) }
            return nil
        }
        return try db.transaction {
            let (familyID, memberIDs) = try FamilyStore.insert(db, create, now: ctx.now)
            report.familiesCreated += 1
            if let items = f.planItems, !items.isEmpty {
                let planID = try PlanStore.insertPlan(db, familyID: familyID, now: ctx.now)
                for item in items {
                    _ = try PlanStore.insertItem(
                        db, planID: planID, familyID: familyID, memberID: memberIDs[item.memberIIN] ?? "",
                        serviceCode: item.serviceCode, dueDate: item.dueDate.description,
                        instructions: item.instructions, workerID: nil, actorID: ctx.actor.userID, now: ctx.now)
                }
                report.plansCreated += 1
            }
            return familyID
        }
    }

    static func append(_ unit: Unit, familyID: String?, full: Bool, to report: inout ImportReport) {
        for row in unit.rows {
            let errors = unit.errors[row] ?? []
            let status: ImportRowStatus = familyID != nil ? .ok : (errors.isEmpty ? .skipped : .error)
            if status == .ok { report.rowsOk += 1 } else { report.rowsFailed += 1 }
            if status != .ok || full {
                report.rows.append(
                    ImportRow(
                        row: row, familyRef: unit.ref.isEmpty ? nil : unit.ref, status: status,
                        familyID: familyID.flatMap { WireID($0) }, errors: errors))
            }
        }
    }
}

extension ImportHandlers.Unit {
    /// Files a validation error under the row it came from (members and plan items have their own rows).
    mutating func add(_ error: FieldError) {
        let parts = error.pointer.split(separator: "/").map(String.init)
        var row = rows.first ?? 1
        if parts.count >= 2, let k = Int(parts[1]) {
            if parts[0] == "members", k < memberRows.count { row = memberRows[k] }
            if parts[0] == "plan_items", k < itemRows.count { row = itemRows[k] }
        }
        let field = csv ? ImportCSV.column(for: parts) : error.pointer
        errors[row, default: []].append(ImportFieldError(field: field, code: error.code, detail: error.detail))
    }
}
