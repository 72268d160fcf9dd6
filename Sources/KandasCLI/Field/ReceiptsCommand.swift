import KandasClient
import KandasProtocol

/// `kandas receipts`: the server's receipts for this device's completions (what it verified).
struct ReceiptsCommand: Command {
    static let spec = CommandSpec(
        ["receipts"], summary: "list the server's receipts: which completions have every file verified",
        discussion: """
            Local copies of files are freed only after a receipt lists them as verified. SERVER shows each \
            file's state on the server: declared, receiving, verified, corrupt or expired; a corrupt or \
            expired file is uploaded again from its local copy on the next kandas sync.
            """,
        examples: ["kandas receipts", "kandas receipts --json"])

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {}

    func run(_ context: CommandContext) async throws(CLIError) {
        // The local files are read only for --json, the one output that shows their local state.
        let json = context.globals.json
        let (receipts, files) = try await context.withClient { client throws(CLIError) in
            try await LocalLookup.call { () async throws(ClientError) in
                let receipts = try await client.receipts()
                return (receipts, json ? try await client.files() : [LocalFile]())
            }
        }
        if json {
            let local = Dictionary(files.map { ($0.attachmentID, $0) }, uniquingKeysWith: { first, _ in first })
            context.printJSON(.array(receipts.map { ViewJSON.receipt($0, localFiles: local) }))
            return
        }
        let format = context.format
        var table = Table(["COMPLETION", "REV", "FILES", "COMPLETENESS", "SERVER", "ISSUED"], rightAligned: [1, 2])
        for receipt in receipts {
            table.append([
                Format.short(receipt.completionID), "\(receipt.completionRev)",
                "\(receipt.filesVerified)/\(receipt.filesDeclared)", receipt.completeness.rawValue,
                Self.serverStates(receipt.files), format.time(receipt.issuedAt),
            ])
        }
        context.printTable(table, empty: "No receipts yet: they arrive with kandas sync after uploads.")
    }

    /// Each file's server state, counted: `2 verified, 1 corrupt` (in the order of `UploadState`).
    static func serverStates(_ files: [ReceiptFile]) -> String {
        guard !files.isEmpty else { return "-" }
        return UploadState.allCases.compactMap { state in
            let count = files.filter { $0.uploadState == state }.count
            return count == 0 ? nil : "\(count) \(state.rawValue)"
        }.joined(separator: ", ")
    }
}
