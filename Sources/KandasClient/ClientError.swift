import KandasProtocol

/// Every failure of the client core, with a stable code the CLI maps to a message and an exit status.
///
/// `message` says what went wrong and, where there is one, what to do next. It never carries
/// tokens or personal data (IINs, names), so it may be logged and shown.
public struct ClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable reason codes.
    public enum Code: String, Sendable, Equatable {
        /// A value given by the caller is invalid (`field` names it); nothing was changed.
        case invalidInput = "invalid_input"
        /// The member is not in the local view (not synced, or not this worker's family).
        case unknownMember = "unknown_member"
        /// The plan item is not in the local view.
        case unknownItem = "unknown_item"
        /// The completion is not in the local view.
        case unknownCompletion = "unknown_completion"
        /// The conflict is not in the local view, or already resolved.
        case unknownConflict = "unknown_conflict"
        /// A file does not exist.
        case fileMissing = "file_missing"
        /// A file exists but cannot be read.
        case fileUnreadable = "file_unreadable"
        /// A file is empty.
        case fileEmpty = "file_empty"
        /// A file's bytes are not one of the accepted types, or contradict the declared kind.
        case fileTypeMismatch = "file_type_mismatch"
        /// Required evidence is missing and the options ask for strict evidence.
        case evidenceMissing = "evidence_missing"
        /// The store has no enrollment yet: run enroll first.
        case notEnrolled = "not_enrolled"
        /// The server revoked this device or its tokens; local data is kept: enroll again.
        case reEnrollRequired = "re_enroll_required"
        /// The enrollment code is unknown.
        case enrollmentCodeInvalid = "enrollment_code_invalid"
        /// The enrollment code expired.
        case enrollmentCodeExpired = "enrollment_code_expired"
        /// The enrollment code was used or revoked.
        case enrollmentCodeUsed = "enrollment_code_used"
        /// The URL answers, but not as a Kandas server.
        case wrongServer = "wrong_server"
        /// No HTTP answer (DNS, connect, TLS, timeout); retried with backoff before this is reported.
        case network
        /// The server answered with a problem the client cannot handle by itself (`problemCode`).
        case server
        /// The server answered something the protocol does not allow.
        case protocolViolation = "protocol_violation"
        /// The local outbox numbering diverged from the server's (store restored or lost): enroll again.
        case outboxDiverged = "outbox_diverged"
        /// The local SQLite store or file system failed.
        case storage
    }

    /// The reason.
    public var code: Code
    /// What happened and what to do next.
    public var message: String
    /// The input field at fault, for `invalidInput` and file errors (e.g. `files[1]`, `location.latitude`).
    public var field: String?
    /// The server's §15 problem code, when the server answered with one.
    public var problemCode: String?
    /// The HTTP status, when there was a response.
    public var status: Int?

    /// Creates an error.
    public init(_ code: Code, _ message: String, field: String? = nil, problemCode: String? = nil, status: Int? = nil) {
        self.code = code
        self.message = message
        self.field = field
        self.problemCode = problemCode
        self.status = status
    }

    public var description: String {
        var text = code.rawValue + ": " + message
        if let field { text += " (field \(field))" }
        if let problemCode, let status { text += " [HTTP \(status) \(problemCode)]" }
        return text
    }

    /// Wraps any error thrown below the client (SQLite, file system) as `storage`, keeping a `ClientError` as is.
    static func wrap(_ error: any Error) -> ClientError {
        if let error = error as? ClientError { return error }
        if let error = error as? TransportError { return ClientError(.network, error.description) }
        return ClientError(.storage, "local store failed: \(error)")
    }

    static func invalid(_ field: String, _ message: String) -> ClientError {
        ClientError(.invalidInput, message, field: field)
    }

    /// An error for a problem response the caller does not handle specially.
    static func problem(_ problem: Problem?, status: Int, during action: String) -> ClientError {
        let code = problem?.code ?? "http_\(status)"
        let detail = problem?.detail.map { ": " + $0 } ?? ""
        return ClientError(.server, "\(action) failed with \(code)\(detail)", problemCode: code, status: status)
    }
}
