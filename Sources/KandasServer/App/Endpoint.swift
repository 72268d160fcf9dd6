public import HTTPServer
public import KandasProtocol

/// One route of the API: method, path pattern, who may call it, how it takes its body, and its handler.
///
/// ``EndpointTable/all`` is the single source of routes: the Router is built from it, and the
/// authorisation-matrix test iterates it, so a new endpoint cannot escape the matrix.
public struct Endpoint: Sendable {
    /// Who may call an endpoint (Protocol §2-§3).
    public enum Access: Sendable, Equatable {
        /// No token (health, limits, login, enroll, refresh).
        case open
        /// Any valid user session or device token (`/v1/auth/me`, logout).
        case anyToken
        /// A user session whose role is in `roles`; devices and other roles get `403 forbidden`.
        case staff(roles: Set<UserRole>)
        /// A device token (`/v1/sync/*`); user sessions get `403 forbidden` (Protocol §3).
        case device
    }

    public let method: HTTPMethod
    public let pattern: String
    public let access: Access
    /// Unsafe requests need `Idempotency-Key` and run in one write transaction with their key.
    public let writes: Bool
    /// Largest accepted body; nil for the server's default (1 MiB, Protocol §16).
    public let bodyLimit: Int?
    /// Nil for routes another module serves (tus under `/v1/uploads`): they are in the table so
    /// the request-head hook authorises them and the authorisation matrix covers them.
    let handler: (@Sendable (RequestContext) throws -> HTTPResponse)?
    /// The handler authenticates the caller itself, in the read transaction that also answers
    /// (``KandasApp/authorize(_:_:now:in:)``): neither the head hook nor the dispatcher does it, and
    /// the handler's ``RequestContext/principal`` is nil. Only for bodiless `GET`s (the device poll).
    let authenticatesInRead: Bool

    init(
        _ method: HTTPMethod, _ pattern: String, _ access: Access, writes: Bool = false, bodyLimit: Int? = nil,
        authenticatesInRead: Bool = false, _ handler: @escaping @Sendable (RequestContext) throws -> HTTPResponse
    ) {
        precondition(!authenticatesInRead || (method == .get && access != .open && !writes))
        self.method = method
        self.pattern = pattern
        self.access = access
        self.writes = writes
        self.bodyLimit = bodyLimit
        self.authenticatesInRead = authenticatesInRead
        self.handler = handler
    }

    /// An endpoint mounted by another module's router registration (``TusHandlers``), listed for
    /// authorisation only.
    init(mounted method: HTTPMethod, _ pattern: String, _ access: Access) {
        self.method = method
        self.pattern = pattern
        self.access = access
        self.writes = false
        self.bodyLimit = nil
        self.authenticatesInRead = false
        self.handler = nil
    }

    /// The method as sent on the wire (`GET`, `POST`...).
    public var methodName: String { method.rawValue }

    /// The roles this endpoint admits (every role for `.anyToken`, none for `.open`).
    public var roles: Set<UserRole> {
        switch access {
        case .open: return []
        case .anyToken: return Set(UserRole.allCases)
        case .device: return [.fieldWorker]
        case .staff(let roles): return roles
        }
    }
}

extension Set where Element == UserRole {
    /// Staff who may read admin resources.
    static let readers: Set<UserRole> = [.centreSupervisor, .regionAdmin, .nationalAdmin, .auditor]
    /// Staff who may change families, plans, devices and codes.
    static let writers: Set<UserRole> = [.centreSupervisor, .regionAdmin, .nationalAdmin]
    /// Staff who may manage career centres.
    static let centreManagers: Set<UserRole> = [.regionAdmin, .nationalAdmin]
    /// Who may read families and plans: the readers and the receiving region's labour mobility
    /// centre, which approves the region's plans (Rules 2, para 34).
    static let planReaders: Set<UserRole> = readers.union([.labourMobilityOfficer])
    /// Who may move a plan a step: the writers (agree, publish) and the labour mobility centre (approve).
    static let planSteppers: Set<UserRole> = writers.union([.labourMobilityOfficer])
    /// Who may read the audit log (each within its scope, Protocol §3).
    static let auditReaders: Set<UserRole> = readers
}
