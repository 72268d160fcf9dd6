public import KandasProtocol

/// What a caller may see and change (Protocol §3), as the store applies it: derived from the
/// caller's role and anchors, or the explicit ``system(_:)`` scope of operations code.
///
/// Every store read or change of something that belongs to a region, a career centre or a family
/// takes one of these; the store turns it into a ``ScopeCondition`` over the right columns, so an
/// object outside it is simply not found. There is no scope-less variant: code that legitimately
/// needs every row (start-up, backups, seeding, verification) says so with a ``SystemAccess``.
public struct AccessScope: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case principal(role: UserRole, userID: String, regionID: String?, careerCentreID: String?)
        case system
    }

    let kind: Kind

    /// The scope of a user (or of a device acting as its field worker).
    public init(role: UserRole, userID: String, regionID: String?, careerCentreID: String?) {
        kind = .principal(role: role, userID: userID, regionID: regionID, careerCentreID: careerCentreID)
    }

    /// Every row: only for operations code holding a ``SystemAccess``.
    public static func system(_ access: SystemAccess) -> AccessScope { AccessScope(kind: .system) }

    private init(kind: Kind) { self.kind = kind }

    /// `true` for the operations scope.
    public var isSystem: Bool { kind == .system }

    /// Families (alias `f`): a worker sees its assigned families, a supervisor its centre, a region
    /// admin or regional auditor its region, national roles (and the system) everything.
    public func families(alias f: String = "f") -> ScopeCondition {
        guard case .principal(let role, let userID, let regionID, let centreID) = kind else { return .everything }
        switch role {
        case .fieldWorker:
            return ScopeCondition(
                "EXISTS(SELECT 1 FROM family_workers fw WHERE fw.family_id = \(f).id AND fw.user_id = ?)",
                [.text(userID)])
        case .centreSupervisor:
            return ScopeCondition("\(f).career_centre_id = ?", [.text(centreID ?? "")])
        case .regionAdmin, .auditor, .labourMobilityOfficer:
            // The receiving region's labour mobility centre approves the plans of its region's
            // families (Rules 2, para 34), so it reads them; it sees no people or devices of the centres.
            guard let regionID else { return role == .auditor ? .everything : .nothing }
            return ScopeCondition("\(f).region_id = ?", [.text(regionID)])
        case .nationalAdmin:
            return .everything
        case .migrationOfficer, .aicStaff:
            // Rules 1 roles reach families only through the Centre stay (``stay(alias:)``).
            return .nothing
        }
    }

    /// Objects anchored by a region column and a career-centre column (users, centres, devices,
    /// codes; completions and conflicts carry both too). `blobIDs`: the columns hold 16-byte blobs
    /// (completions on SQLite since 0047), so the IDs are bound through `kid(?)`.
    public func organisation(region: String, centre: String, blobIDs: Bool = false) -> ScopeCondition {
        let key = blobIDs ? "kid(?)" : "?"
        guard case .principal(let role, _, let regionID, let centreID) = kind else { return .everything }
        switch role {
        case .fieldWorker, .centreSupervisor:
            return ScopeCondition("\(centre) = \(key)", [.text(centreID ?? "")])
        case .regionAdmin, .auditor:
            guard let regionID else { return role == .auditor ? .everything : .nothing }
            return ScopeCondition("\(region) = \(key)", [.text(regionID)])
        case .nationalAdmin:
            return .everything
        case .migrationOfficer, .aicStaff, .labourMobilityOfficer:
            return .nothing
        }
    }

    /// Records that carry `region_id` and `career_centre_id` and that field workers reach only
    /// through sync (completions, conflicts): nothing for a worker, the centre for a supervisor,
    /// the region for a region admin or regional auditor, everything for national roles.
    ///
    /// A supervisor's condition also names the centre's region (``centreRecords(alias:_:blobIDs:)``).
    /// `blobIDs`: the record's ID columns hold 16-byte blobs (completions on SQLite since 0047), bound
    /// through `kid`.
    public func records(alias: String, blobIDs: Bool = false) -> ScopeCondition {
        guard case .principal(let role, _, let regionID, let centreID) = kind else { return .everything }
        switch role {
        case .fieldWorker, .migrationOfficer, .aicStaff, .labourMobilityOfficer:
            return .nothing
        case .centreSupervisor:
            return Self.centreRecords(alias: alias, centreID ?? "", blobIDs: blobIDs)
        case .regionAdmin, .auditor:
            guard let regionID else { return role == .auditor ? .everything : .nothing }
            return ScopeCondition("\(alias).region_id = \(blobIDs ? "kid(?)" : "?")", [.text(regionID)])
        case .nationalAdmin:
            return .everything
        }
    }

    /// Records (alias `alias`) of one career centre: its region too, so completions are read through
    /// `completions_region` in `rowid` order (migration 0037 dropped `completions_centre`, written by
    /// every push). A record's region is its centre's (families take theirs from the centre) and a
    /// centre never changes region, so the rows are exactly those of the centre.
    public static func centreRecords(alias: String, _ centreID: String, blobIDs: Bool = false) -> ScopeCondition {
        let region = "(SELECT region_id FROM career_centres WHERE id = ?)"
        return ScopeCondition(
            blobIDs
                ? "(\(alias).region_id = kid(\(region)) AND \(alias).career_centre_id = kid(?))"
                : "(\(alias).region_id = \(region) AND \(alias).career_centre_id = ?)",
            [.text(centreID), .text(centreID)])
    }

    /// Centre-stay objects (Rules 1) carry `region_id` (alias `alias`): region roles see their
    /// region, national roles and a national auditor everything, career-centre roles nothing.
    public func stay(alias: String) -> ScopeCondition {
        guard case .principal(let role, _, let regionID, _) = kind else { return .everything }
        switch role {
        case .fieldWorker, .centreSupervisor, .labourMobilityOfficer:
            return .nothing
        case .regionAdmin, .migrationOfficer, .aicStaff, .auditor:
            guard let regionID else { return role == .auditor ? .everything : .nothing }
            return ScopeCondition("\(alias).region_id = ?", [.text(regionID)])
        case .nationalAdmin:
            return .everything
        }
    }

    /// Audit entries (alias `a`) whose actor, a user or a device of a user, is in the organisation
    /// scope; national roles see every entry.
    public func auditActors(alias a: String) -> ScopeCondition {
        let users = organisation(region: "u.region_id", centre: "u.career_centre_id")
        guard !users.isEverything else { return users }
        return ScopeCondition(
            "(EXISTS(SELECT 1 FROM users u WHERE u.id = \(a).actor_id AND \(users.sql)) OR EXISTS(SELECT 1 FROM"
                + " devices d JOIN users u ON u.id = d.user_id WHERE d.id = \(a).actor_id AND \(users.sql)))",
            users.values + users.values)
    }

    /// Whether the scope may act on a career centre (and its region).
    public func covers(regionID: String, centreID: String?) -> Bool {
        guard case .principal(let role, _, let ownRegion, let ownCentre) = kind else { return true }
        switch role {
        case .fieldWorker, .centreSupervisor: return centreID != nil && centreID == ownCentre
        case .regionAdmin: return regionID == ownRegion
        case .auditor: return ownRegion == nil || regionID == ownRegion
        case .nationalAdmin: return true
        case .migrationOfficer, .aicStaff, .labourMobilityOfficer: return false
        }
    }
}

/// Proof that the caller is operations code (server start-up, commands such as `backup`,
/// `verify`, `seed-demo`, background maintenance), not a request handler: the only way to an
/// unscoped ``AccessScope/system(_:)``. Request handlers never hold one; a test checks that no
/// handler, console page or report names this type.
public struct SystemAccess: Sendable {
    /// Why unscoped access is needed (for readers of the call site).
    public let reason: StaticString

    public init(reason: StaticString) { self.reason = reason }
}

/// A SQL condition with its bound values that restricts rows to a scope.
///
/// Only ``AccessScope`` makes them, so a list or lookup built on one cannot be given a condition
/// that does not come from a scope.
public struct ScopeCondition: Sendable, Equatable {
    public let sql: String
    public let values: [DatabaseValue]

    init(_ sql: String, _ values: [DatabaseValue]) {
        self.sql = sql
        self.values = values
    }

    /// `true` when the condition lets every row through (national roles, the system scope).
    public var isEverything: Bool { self == .everything }

    /// For a list of an object's children (its events, its reviews) right after the caller found
    /// the object itself through a scoped lookup in the same transaction: the parent's scope
    /// already applies, so the children need no condition of their own.
    public static func parentChecked() -> ScopeCondition { .everything }

    static let everything = ScopeCondition("1 = 1", [])
    static let nothing = ScopeCondition("1 = 0", [])
}
