import KandasClient
import KandasProtocol

/// `kandas receipts`: the server's receipts for this device's completions (what it verified).
struct ReceiptsCommand: Command {
    static let spec = CommandSpec(
        ["receipts"], summary: "list the server's receipts: which completions have every file verified",
        discussion: "Local copies of files are freed only after a receipt lists them as verified.",
        examples: ["kandas receipts", "kandas receipts --json"])

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {}

    func run(_ context: CommandContext) async throws(CLIError) {
        let receipts = try await context.withClient { client throws(CLIError) in
            try await LocalLookup.call { () async throws(ClientError) in try await client.receipts() }
        }
        if context.globals.json {
            context.printJSON(.array(receipts.map(ViewJSON.encode)))
            return
        }
        let format = context.format
        var table = Table(["COMPLETION", "REV", "FILES", "COMPLETENESS", "ISSUED"], rightAligned: [1, 2])
        for receipt in receipts {
            table.append([
                Format.short(receipt.completionID), "\(receipt.completionRev)",
                "\(receipt.filesVerified)/\(receipt.filesDeclared)", receipt.completeness.rawValue,
                format.time(receipt.issuedAt),
            ])
        }
        context.printTable(table, empty: "No receipts yet: they arrive with kandas sync after uploads.")
    }
}
