public import KandasClient

/// Every failure of the `kandas` CLI: a usage error (exit 64) or a runtime failure (exit 1).
///
/// `message` says what went wrong; `hint` says what to do next. Neither ever carries tokens or
/// personal data (IINs, names), so both may be shown and logged.
public struct CLIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Whether the command line was wrong or running it failed.
    public enum Kind: Sendable, Equatable {
        /// Unknown command or flag, missing or bad value: nothing ran (exit 64, `EX_USAGE`).
        case usage
        /// The command ran and failed (exit 1).
        case runtime
    }

    /// Usage or runtime.
    public var kind: Kind
    /// What went wrong.
    public var message: String
    /// What to do next, when there is something to say.
    public var hint: String?
    /// A stable code (the client's or the server's §15 code) for scripts reading `--json` errors.
    public var code: String?
    /// The command whose usage to print after a usage error.
    public var commandPath: [String]?

    /// Creates an error.
    public init(
        _ kind: Kind, _ message: String, hint: String? = nil, code: String? = nil, commandPath: [String]? = nil
    ) {
        self.kind = kind
        self.message = message
        self.hint = hint
        self.code = code
        self.commandPath = commandPath
    }

    /// A usage error (exit 64).
    public static func usage(_ message: String, hint: String? = nil) -> CLIError {
        CLIError(.usage, message, hint: hint, code: "usage")
    }

    /// A runtime failure (exit 1).
    public static func runtime(_ message: String, hint: String? = nil, code: String? = nil) -> CLIError {
        CLIError(.runtime, message, hint: hint, code: code)
    }

    /// The process exit status: 64 for usage errors, 1 otherwise.
    public var exitCode: Int32 { kind == .usage ? 64 : 1 }

    public var description: String { message + (hint.map { " (" + $0 + ")" } ?? "") }

    /// Maps a client-core error to a runtime failure whose hint says what the worker can do.
    public init(_ error: ClientError) {
        let hint: String? =
            switch error.code {
            case .notEnrolled: "ask an administrator for a code, then run: kandas enroll --server URL --code CODE"
            case .reEnrollRequired: "local data is kept; ask an administrator for a new code and run kandas enroll"
            case .enrollmentCodeInvalid, .enrollmentCodeExpired, .enrollmentCodeUsed:
                "ask an administrator for a new enrollment code"
            case .wrongServer: "check the server URL (the base URL, without /v1)"
            case .network: "check the server URL and the connection, then try again; nothing local was lost"
            case .unknownItem, .unknownMember, .unknownCompletion, .unknownConflict:
                "run kandas sync to refresh the local view, then list with kandas items or kandas conflicts"
            case .fileMissing, .fileUnreadable, .fileEmpty, .fileTypeMismatch: "check the file path and its type"
            case .evidenceMissing: "attach the evidence the service requires"
            case .outboxDiverged: "ask an administrator for a new code and run kandas enroll; local data is kept"
            case .server: error.status == 503 ? "the server is busy; run kandas sync again later" : nil
            case .storage: "check that the home folder is writable and the disk is not full"
            case .invalidInput, .protocolViolation: nil
            }
        self.init(.runtime, error.message, hint: hint, code: error.problemCode ?? error.code.rawValue)
    }
}
