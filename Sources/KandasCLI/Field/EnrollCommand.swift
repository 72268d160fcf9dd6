import KandasClient
import KandasProtocol

/// `kandas enroll`: binds this installation to a field worker with a one-time code from an administrator.
struct EnrollCommand: Command {
    static let spec = CommandSpec(
        ["enroll"], summary: "enroll this device with a one-time code (or the QR payload kandas1:...)",
        arguments: [ArgumentSpec("PAYLOAD", "the QR payload kandas1:<base-url>#<code>", optional: true)],
        options: [
            .value("server", "URL", "the server's base URL (without /v1)"),
            .value("code", "CODE", "the enrollment code an administrator created"),
            .value("name", "NAME", "a name for this device shown to administrators"),
        ],
        discussion: "Give either PAYLOAD or both --server and --code. Re-enrolling keeps every local event and file.",
        examples: [
            "kandas enroll --server https://kandas.example.kz --code K7QJ3M4XZ2W5PN6RB8TD9YHC4E",
            "kandas enroll 'kandas1:https://kandas.example.kz#K7QJ3M4XZ2W5PN6RB8TD9YHC4E'",
        ])

    enum Source: Equatable {
        case payload(String)
        case code(server: String, code: String)
    }

    let source: Source
    let name: String?

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        name = arguments.value("name")
        let server = arguments.value("server")
        let code = arguments.value("code")
        if let payload = arguments.positional(0) {
            guard server == nil, code == nil else {
                throw .usage("give either the QR payload or --server and --code, not both")
            }
            guard (try? EnrollmentPayload(parsing: payload)) != nil else {
                throw .usage("'\(payload.prefix(12))…' is not an enrollment payload (kandas1:<base-url>#<code>)")
            }
            source = .payload(payload)
        } else {
            guard let server, let code else {
                throw .usage("enroll needs --server URL and --code CODE, or the QR payload kandas1:...")
            }
            guard server.hasPrefix("http://") || server.hasPrefix("https://") else {
                throw .usage("--server '\(server)' must start with https:// (or http:// on a test network)")
            }
            guard !code.trimmingCharacters(in: .whitespaces).isEmpty else { throw .usage("--code is empty") }
            source = .code(server: server, code: code)
        }
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let enrollment = try await context.withClient { client throws(CLIError) in
            try await LocalLookup.call { () async throws(ClientError) in
                switch source {
                case .payload(let payload): return try await client.enroll(payload: payload, deviceName: name)
                case .code(let server, let code):
                    return try await client.enroll(serverURL: server, code: code, deviceName: name)
                }
            }
        }
        if context.globals.json {
            context.printJSON(
                ViewJSON.object([
                    "server_url": .string(enrollment.serverURL), "device_id": .string(enrollment.deviceID.description),
                    "user_id": .string(enrollment.userID.description),
                ]))
        } else if context.globals.quiet {
            context.print(enrollment.deviceID.description)
        } else {
            context.print("Enrolled as device \(Format.short(enrollment.deviceID)) with \(enrollment.serverURL).")
            context.info("Next: kandas sync (pulls your families and plans).")
        }
    }
}
