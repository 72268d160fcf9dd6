/// One field-level error inside a `Problem` (`errors[]`).
public struct FieldError: Sendable, Codable, Equatable {
    /// RFC 6901 JSON Pointer into the body (`/events/3/device_seq`), or `query:<name>` / `header:<name>`.
    public var pointer: String
    /// An error code (sync-v1 §15); a string so that codes added later still decode.
    public var code: String
    /// Human text.
    public var detail: String?

    /// Creates a field error.
    public init(pointer: String, code: String, detail: String? = nil) {
        self.pointer = pointer
        self.code = code
        self.detail = detail
    }

    /// Creates a field error from a known code.
    public init(pointer: String, code: ErrorCode, detail: String? = nil) {
        self.init(pointer: pointer, code: code.rawValue, detail: detail)
    }
}
