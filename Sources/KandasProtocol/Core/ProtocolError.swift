/// The error type of this module: a wire message could not be decoded or parsed.
///
/// Carries the stable code the server answers with and the JSON Pointer (or header name) of the
/// offending field, so a server can turn it into a `Problem` directly.
public struct ProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The error code (`malformed_json`, `missing_field`, `invalid_field`, `unknown_field`, ...).
    public var code: ErrorCode
    /// JSON Pointer (`/events/0/payload/note`) or `header:<name>`; empty for the whole body.
    public var pointer: String
    /// What went wrong, without field values (they may be personal data).
    public var detail: String

    /// Creates an error.
    public init(_ code: ErrorCode, pointer: String = "", detail: String) {
        self.code = code
        self.pointer = pointer
        self.detail = detail
    }

    public var description: String { "\(code.rawValue) at '\(pointer)': \(detail)" }

    /// The `Problem` a server answers with for this error.
    public var problem: Problem {
        Problem(
            code, detail: detail,
            errors: pointer.isEmpty ? nil : [FieldError(pointer: pointer, code: code, detail: detail)])
    }
}
