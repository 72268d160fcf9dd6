/// Why a `kandas-server` command stopped: a usage error (exit 64) or a failure (exit 1).
public struct CommandError: Error, Sendable, CustomStringConvertible {
    public var exitCode: Int32
    public var message: String

    public static func usage(_ message: String) -> CommandError { CommandError(exitCode: 64, message: message) }
    public static func failure(_ message: String) -> CommandError { CommandError(exitCode: 1, message: message) }

    public var description: String { message }
}
