/// The protocol version this module implements, and how it shows on the wire.
public enum ProtocolVersion {
    /// The version number (`Kandas-Protocol: 1`).
    public static let current = 1
    /// URL prefix of every API path.
    public static let pathPrefix = "/v1"
    /// The `Kandas-Protocol` header value servers send and clients may send.
    public static let headerValue = "1"
}
