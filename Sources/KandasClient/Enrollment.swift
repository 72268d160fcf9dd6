public import KandasProtocol
import SQLiteKit

/// This installation's enrollment: the server it talks to and the identity the server gave it.
public struct Enrollment: Sendable, Equatable {
    /// The base URL (the client appends `/v1/...`).
    public var serverURL: String
    /// The device id the server assigned.
    public var deviceID: WireID
    /// The field worker the device acts as.
    public var userID: WireID
    /// The installation's own id, generated once.
    public var deviceUUID: WireID
    /// The server revoked the device or its tokens: sync stops until the worker enrolls again.
    public var reEnrollRequired: Bool

    static func load(_ db: Connection) throws -> Enrollment? {
        guard let url = try ClientStore.setting(db, .serverURL),
            let device = try ClientStore.setting(db, .deviceID).flatMap(WireID.init),
            let user = try ClientStore.setting(db, .userID).flatMap(WireID.init),
            let uuid = try ClientStore.setting(db, .deviceUUID).flatMap(WireID.init)
        else { return nil }
        return Enrollment(
            serverURL: url, deviceID: device, userID: user, deviceUUID: uuid,
            reEnrollRequired: try ClientStore.setting(db, .reEnrollRequired) != nil)
    }
}
