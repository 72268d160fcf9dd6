import KandasClient
import KandasProtocol

/// `kandas status`: the outbox, pending uploads and the health of the last sync, without the network.
struct StatusCommand: Command {
    static let spec = CommandSpec(
        ["status"], summary: "show the outbox, bytes pending, oldest unsent event, last error and last sync",
        examples: ["kandas status", "kandas status --json"])

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {}

    func run(_ context: CommandContext) async throws(CLIError) {
        let (summary, enrollment) = try await context.withClient { client throws(CLIError) in
            try await LocalLookup.call { () async throws(ClientError) in
                (try await client.status(), try await client.enrollment())
            }
        }
        if context.globals.json {
            context.printJSON(ViewJSON.summary(summary, enrollment: enrollment))
            return
        }
        let format = context.format
        var table = Table.keyValue([])
        let state =
            if summary.reEnrollRequired {
                "revoked: enroll again (local data is kept)"
            } else if let enrollment {
                "enrolled as device \(Format.short(enrollment.deviceID)) with \(enrollment.serverURL)"
            } else {
                "not enrolled: run kandas enroll"
            }
        table.append(["Device", state])
        table.append(["Outbox", "\(summary.outboxEvents) event(s), \(Format.bytes(Int64(summary.outboxBytes)))"])
        table.append(["Oldest unsent", summary.oldestUnsentAt.map(format.time) ?? "-"])
        table.append(["Files pending", "\(summary.filesPending) (\(Format.bytes(summary.bytesPending)))"])
        if summary.filesFailed > 0 {
            let files = try await context.withClient { client throws(CLIError) in
                try await LocalLookup.call { () async throws(ClientError) in try await client.files() }
            }
            table.append(["Files refused", Self.refusedLine(files.filter { $0.state == .failed }.map(\.lastError))])
        }
        for line in Self.serverLines(summary.filesByServerState) { table.append(["Uploads", line]) }
        if summary.quarantinedEvents > 0 {
            table.append(["Quarantined", "\(summary.quarantinedEvents) event(s): see kandas conflicts"])
        }
        table.append(["Last sync", summary.lastSyncAt.map(format.time) ?? "never"])
        table.append(["Last error", summary.lastError ?? "-"])
        context.environment.stdout.write(table.render())
    }

    /// The files the server refused for good, by reason: kept here, never retried (`kandas files` lists them).
    /// - Parameter reasons: the `last_error` of each refused file.
    static func refusedLine(_ reasons: [String?]) -> String {
        var counts: [String: Int] = [:]
        for reason in reasons { counts[reason ?? "refused", default: 0] += 1 }
        let total = counts.values.reduce(0, +)
        let why = counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        return "\(total) (\(why)) — kept here, not retried; see kandas files"
    }

    /// One line per server state that has files waiting, worst first, worded for the field worker.
    static func serverLines(_ counts: [UploadState: Int]) -> [String] {
        let order: [(UploadState, String)] = [
            (.corrupt, "corrupt on the server — will re-upload on next sync"),
            (.expired, "expired on the server — will re-upload on next sync"),
            (.receiving, "partly received by the server — upload continues on next sync"),
            (.declared, "declared, no bytes on the server yet"),
        ]
        return order.compactMap { state, text in
            guard let count = counts[state], count > 0 else { return nil }
            return "\(count) \(count == 1 ? "file" : "files") \(text)"
        }
    }
}
