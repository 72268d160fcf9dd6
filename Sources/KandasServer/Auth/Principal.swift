public import KandasProtocol

/// Who is making a request: a user with a session, or an enrolled device acting as its field worker.
///
/// Scope (Protocol §3) derives from the role and the anchors (`regionID`, `careerCentreID`);
/// ``Scope`` turns it into SQL so every list query and every single-object lookup applies it.
public struct Principal: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case user
        case device
    }

    public var kind: Kind
    public var userID: String
    public var role: UserRole
    public var regionID: String?
    public var careerCentreID: String?
    public var deviceID: String?
    /// The SHA-256 of the bearer token (sessions can be revoked by logout).
    public var tokenHash: String

    /// The bearer token as presented (kept in memory for this request only, never stored or logged):
    /// seals stored replays that carry secrets.
    var secret: [UInt8] = []

    /// The idempotency actor: the device for device tokens, the user otherwise.
    var actorKey: String { deviceID.map { "device:" + $0 } ?? "user:" + userID }

    var isWriter: Bool { role == .centreSupervisor || role == .regionAdmin || role == .nationalAdmin }
}
