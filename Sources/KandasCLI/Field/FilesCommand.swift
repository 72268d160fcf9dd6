import KandasClient
import KandasProtocol

/// `kandas files`: evidence files captured here and where each is on its way to the server.
struct FilesCommand: Command {
    static let spec = CommandSpec(
        ["files"], summary: "list local evidence files, their local states and their server states",
        options: [.value("state", "STATE", "only files in this state")],
        examples: ["kandas files", "kandas files --state pending", "kandas files --json"])

    let state: LocalFile.State?

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        state = try arguments.value("state").map { text throws(CLIError) in
            try InputParser.choice(text, flag: "state", as: LocalFile.State.self)
        }
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let files = try await context.withClient { client throws(CLIError) in
            try await LocalLookup.call { () async throws(ClientError) in try await client.files() }
        }.filter { state == nil || $0.state == state }
        if context.globals.json {
            context.printJSON(.array(files.map(ViewJSON.file)))
            return
        }
        var table = Table(
            ["FILE", "KIND", "SIZE", "STATE", "SERVER", "SENT", "COMPLETION", "ERROR"], rightAligned: [2, 5])
        for file in files {
            table.append([
                Format.short(file.attachmentID), file.kind.rawValue, Format.bytes(file.size), file.state.rawValue,
                file.serverState?.rawValue ?? "-", Format.bytes(file.bytesSent), Format.short(file.completionID),
                file.lastError ?? "",
            ])
        }
        context.printTable(table, empty: "No files captured on this device.")
    }
}
