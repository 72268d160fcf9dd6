public import KandasProtocol

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
}
