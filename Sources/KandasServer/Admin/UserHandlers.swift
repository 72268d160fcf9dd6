import HTTPServer
import KandasProtocol
import SQLiteKit

/// Users: created by supervisors (workers of their centre), region admins (up to supervisors of their
/// region) and national admins (anyone); never deleted, disabled with `active: false`.
enum UserHandlers {
    static func list(_ ctx: RequestContext) throws -> HTTPResponse {
        let filters = try ctx.filters(["role", "region_id", "career_centre_id", "active"])
        let paging = try Pagination(filters)
        let scope = Scope.organisation(ctx.actor, region: "u.region_id", centre: "u.career_centre_id")
        var conditions = [scope.sql]
        var args = scope.args
        if let role = filters["role"] {
            guard UserRole(rawValue: role) != nil else {
                throw ServerError.field(.invalidParameter, "query:role", "unknown role")
            }
            conditions.append("u.role = ?")
            args.append(.text(role))
        }
        for (name, column) in [("region_id", "u.region_id"), ("career_centre_id", "u.career_centre_id")] {
            if let value = try ctx.uuidFilter(filters, name) {
                conditions.append("\(column) = ?")
                args.append(.text(value))
            }
        }
        if let active = filters["active"] {
            guard active == "true" || active == "false" else {
                throw ServerError.field(.invalidParameter, "query:active", "true or false")
            }
            conditions.append("u.active = ?")
            args.append(.integer(active == "true" ? 1 : 0))
        }
        let page = try ctx.read { db in
            try paging.page(
                db, select: "SELECT \(OrganisationStore.userColumns) FROM users u", rowid: "u.rowid",
                conditions: conditions, args: args, map: OrganisationStore.user)
        }
        return try ctx.json(page)
    }

    static func get(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.json(try ctx.read { db in try OrganisationStore.user(db, id: id, for: ctx.actor) })
    }

    static func create(_ ctx: RequestContext) throws -> HTTPResponse {
        try ctx.write { db in
            let body = try ctx.body(UserCreate.self)
            let username = body.username
            guard (3...64).contains(username.count),
                username.unicodeScalars.allSatisfy({
                    "abcdefghijklmnopqrstuvwxyz0123456789._-".unicodeScalars.contains($0)
                })
            else { throw ServerError.field(.invalidField, "/username", "3-64 of [a-z0-9._-]") }
            try Validation.text(body.displayName, "/display_name")
            try checkPassword(body.password, "/password")
            let (region, centre) = try anchors(
                db, role: body.role, regionID: body.regionID?.description, centreID: body.careerCentreID?.description)
            try checkMayManage(ctx.actor, role: body.role, regionID: region, centreID: centre)
            guard !(try db.exists("SELECT 1 FROM users WHERE username = ?", username)) else {
                throw ServerError.field(.conflict, "/username", "the username is taken")
            }
            let id = WireID.random().description
            _ = try db.run(
                "INSERT INTO users(id, username, display_name, role, region_id, career_centre_id, active, password_hash,"
                    + " version, created_at, updated_at) VALUES(?,?,?,?,?,?,1,?,1,?,?)", id, username, body.displayName,
                body.role.rawValue, region, centre,
                Password.hash(body.password, iterations: ctx.app.config.passwordIterations), ctx.now, ctx.now)
            try ctx.audit(db, "user.create", entityType: "user", entityID: id, summary: "role \(body.role.rawValue)")
            return try APIReply.json(try OrganisationStore.user(db, id: id, for: ctx.actor), status: 201)
        }
    }

    static func update(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.write { db in
            let current = try OrganisationStore.user(db, id: id, for: ctx.actor)
            let body = try ctx.body(UserUpdate.self)
            try Validation.version(body.version, current: current.version)
            try checkMayManage(
                ctx.actor, role: current.role, regionID: current.regionID?.description,
                centreID: current.careerCentreID?.description)
            if let name = body.displayName { try Validation.text(name, "/display_name") }
            if let password = body.password { try checkPassword(password, "/password") }
            let role = body.role ?? current.role
            let roleChanged = body.role != nil || body.regionID != nil || body.careerCentreID != nil
            var region = current.regionID?.description
            var centre = current.careerCentreID?.description
            if roleChanged {
                (region, centre) = try anchors(
                    db, role: role, regionID: body.regionID?.description ?? (body.careerCentreID == nil ? region : nil),
                    centreID: body.careerCentreID?.description ?? (body.regionID == nil ? centre : nil))
                try checkMayManage(ctx.actor, role: role, regionID: region, centreID: centre)
            }
            let hash = body.password.map { Password.hash($0, iterations: ctx.app.config.passwordIterations) }
            _ = try db.run(
                "UPDATE users SET display_name = ?, role = ?, region_id = ?, career_centre_id = ?, active = ?,"
                    + " password_hash = COALESCE(?, password_hash), version = version + 1, updated_at = ? WHERE id = ?",
                body.displayName ?? current.displayName, role.rawValue, region, centre, body.active ?? current.active,
                hash, ctx.now, id)
            if body.active == false || hash != nil {
                // Disabling or a new password ends every session; devices stay until revoked.
                _ = try db.run(
                    "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", ctx.now, id)
            }
            try ctx.audit(
                db, body.active == false ? "user.disable" : "user.update", entityType: "user", entityID: id)
            return try APIReply.json(try OrganisationStore.user(db, id: id, for: ctx.actor))
        }
    }

    static func checkPassword(_ password: String, _ pointer: String) throws(ServerError) {
        guard (12...256).contains(password.count) else {
            throw ServerError.field(.invalidField, pointer, "passwords have 12-256 characters")
        }
    }

    /// Resolves and checks the region and centre a role needs (Protocol §4.3).
    static func anchors(
        _ db: Connection, role: UserRole, regionID: String?, centreID: String?
    ) throws -> (String?, String?) {
        switch role {
        case .fieldWorker, .centreSupervisor:
            guard let centreID else {
                throw ServerError.field(.missingField, "/career_centre_id", "this role needs a career centre")
            }
            guard let region = try OrganisationStore.regionOfCentre(db, centreID) else {
                throw ServerError.field(.invalidField, "/career_centre_id", "no such career centre")
            }
            if let regionID, regionID != region {
                throw ServerError.field(.invalidField, "/region_id", "the centre is in another region")
            }
            return (region, centreID)
        case .regionAdmin, .auditor, .migrationOfficer, .aicStaff:
            guard centreID == nil else {
                throw ServerError.field(.invalidField, "/career_centre_id", "this role has no career centre")
            }
            guard let regionID else {
                if role == .auditor { return (nil, nil) }
                throw ServerError.field(.missingField, "/region_id", "this role needs a region")
            }
            guard try db.exists("SELECT 1 FROM regions WHERE id = ?", regionID) else {
                throw ServerError.field(.invalidField, "/region_id", "no such region")
            }
            return (regionID, nil)
        case .nationalAdmin:
            guard regionID == nil, centreID == nil else {
                throw ServerError.field(.invalidField, "/region_id", "national administrators have no region")
            }
            return (nil, nil)
        }
    }

    /// Who may create or change a user of `role` anchored at region/centre (Protocol §3).
    static func checkMayManage(_ p: Principal, role: UserRole, regionID: String?, centreID: String?) throws(ServerError)
    {
        let allowed: Bool
        switch p.role {
        case .centreSupervisor: allowed = role == .fieldWorker && centreID != nil && centreID == p.careerCentreID
        case .regionAdmin:
            // Region administrators also appoint the region's Rules 1 staff (migration officers, Centre staff).
            allowed =
                [.fieldWorker, .centreSupervisor, .migrationOfficer, .aicStaff].contains(role) && regionID != nil
                && regionID == p.regionID
        case .nationalAdmin: allowed = true
        case .fieldWorker, .auditor, .migrationOfficer, .aicStaff: allowed = false
        }
        guard allowed else {
            throw ServerError.field(.outOfScope, "/role", "you may not manage this role here")
        }
    }
}
