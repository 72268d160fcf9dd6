import HTTPServer
import KandasProtocol
import KandasStore

/// Users: created by supervisors (workers of their centre), region admins (up to supervisors of their
/// region) and national admins (anyone); never deleted, disabled with `active: false`.
enum UserHandlers {
    static func list(_ ctx: RequestContext) throws -> HTTPResponse {
        let filters = try ctx.filters(["role", "region_id", "career_centre_id", "active"])
        let paging = try Pagination(filters)
        var filter = OrganisationStore.UserFilter()
        if let role = filters["role"] {
            guard let parsed = UserRole(rawValue: role) else {
                throw ServerError.field(.invalidParameter, "query:role", "unknown role")
            }
            filter.role = parsed
        }
        filter.regionID = try ctx.uuidFilter(filters, "region_id")
        filter.careerCentreID = try ctx.uuidFilter(filters, "career_centre_id")
        if let active = filters["active"] {
            guard active == "true" || active == "false" else {
                throw ServerError.field(.invalidParameter, "query:active", "true or false")
            }
            filter.active = active == "true"
        }
        let page = try ctx.read { db in try OrganisationStore.users(db, filter, for: ctx.actor.scope, paging: paging) }
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
            guard !(try OrganisationStore.usernameTaken(db, username)) else {
                throw ServerError.field(.conflict, "/username", "the username is taken")
            }
            let id = try OrganisationStore.insertUser(
                db, username: username, displayName: body.displayName, role: body.role, regionID: region,
                centreID: centre,
                passwordHash: Password.hash(body.password, iterations: ctx.app.config.passwordIterations),
                now: ctx.now)
            try ctx.audit(db, "user.create", entityType: "user", entityID: id, summary: "role \(body.role.rawValue)")
            return try APIReply.json(try OrganisationStore.user(db, id: id, for: ctx.actor), status: 201)
        }
    }

    static func update(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.write { db in
            let current = try OrganisationStore.user(db, id: id, for: ctx.actor, locked: true)
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
            // Disabling or a new password ends every session; devices stay until revoked.
            try OrganisationStore.updateUser(
                db, id: id, displayName: body.displayName ?? current.displayName, role: role, regionID: region,
                centreID: centre, active: body.active ?? current.active, passwordHash: hash,
                endSessions: body.active == false || hash != nil, now: ctx.now)
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
        _ db: any DatabaseConnection, role: UserRole, regionID: String?, centreID: String?
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
        case .regionAdmin, .auditor, .migrationOfficer, .aicStaff, .labourMobilityOfficer:
            guard centreID == nil else {
                throw ServerError.field(.invalidField, "/career_centre_id", "this role has no career centre")
            }
            guard let regionID else {
                if role == .auditor { return (nil, nil) }
                throw ServerError.field(.missingField, "/region_id", "this role needs a region")
            }
            guard try OrganisationStore.regionExists(db, regionID) else {
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
            // Region administrators also appoint the region's Rules 1 staff (migration officers, Centre
            // staff) and its labour mobility centre's plan approvers (Rules 2, para 34).
            allowed =
                [.fieldWorker, .centreSupervisor, .migrationOfficer, .aicStaff, .labourMobilityOfficer].contains(role)
                && regionID != nil
                && regionID == p.regionID
        case .nationalAdmin: allowed = true
        case .fieldWorker, .auditor, .migrationOfficer, .aicStaff, .labourMobilityOfficer: allowed = false
        }
        guard allowed else {
            throw ServerError.field(.outOfScope, "/role", "you may not manage this role here")
        }
    }
}
