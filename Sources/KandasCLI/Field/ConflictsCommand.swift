import KandasClient
import KandasProtocol

/// `kandas conflicts`: the inbox — open conflicts, reviews asking for changes, events the server rejected.
struct ConflictsCommand: Command {
    static let spec = CommandSpec(
        ["conflicts"], summary: "list open conflicts, reviews asking for changes and rejected events",
        discussion: "Resolve a conflict with kandas resolve; answer a review with kandas amend or kandas void.",
        examples: ["kandas conflicts", "kandas conflicts --json"])

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {}

    func run(_ context: CommandContext) async throws(CLIError) {
        let inbox = try await context.withClient { client throws(CLIError) in
            try await LocalLookup.call { () async throws(ClientError) in try await client.inbox() }
        }
        if context.globals.json {
            context.printJSON(ViewJSON.inbox(inbox))
            return
        }
        let format = context.format
        var conflicts = Table(["CONFLICT", "KIND", "SEVERITY", "ITEM", "COMPLETION", "EVENTS", "DETECTED", "STATE"])
        for entry in inbox.conflicts {
            let conflict = entry.conflict
            conflicts.append([
                Format.short(conflict.id), conflict.kind.rawValue, conflict.severity.rawValue,
                Format.short(conflict.itemID), conflict.completionID.map(Format.short) ?? "-",
                conflict.eventIDs.map(Format.short).joined(separator: ","), format.time(conflict.detectedAt),
                entry.resolutionPending ? "resolve pending" : "open",
            ])
        }
        context.printTable(conflicts, empty: "No open conflicts.")
        for entry in inbox.conflicts where !entry.conflict.versions.isEmpty || entry.conflict.itemChanges != nil {
            context.print("")
            context.environment.stdout.write(Self.versions(of: entry.conflict, format: format))
        }
        if !inbox.reviews.isEmpty {
            context.print("")
            var reviews = Table(["COMPLETION", "DECISION", "REVIEWER", "WHEN", "COMMENT"], maxCellWidth: 60)
            for review in inbox.reviews {
                reviews.append([
                    Format.short(review.completionID), review.decision.rawValue, review.reviewerName,
                    format.time(review.createdAt), review.comment ?? "",
                ])
            }
            context.print("Reviews asking for changes:")
            context.environment.stdout.write(reviews.render())
        }
        if !inbox.quarantined.isEmpty {
            context.print("")
            var rejected = Table(["EVENT", "SEQ", "TYPE", "ITEM", "CODE", "DETAIL"], rightAligned: [1])
            for event in inbox.quarantined {
                rejected.append([
                    Format.short(event.eventID), "\(event.deviceSeq)", event.type, Format.short(event.itemID),
                    event.code, event.detail ?? "",
                ])
            }
            context.print("Events the server rejected (kept locally, they never block the rest):")
            context.environment.stdout.write(rejected.render())
        }
    }

    /// The versions a `resolve --choose` picks from, the displayed one starred, and plan changes since base.
    static func versions(of conflict: Conflict, format: Format) -> String {
        var out =
            "Conflict \(Format.short(conflict.id)) (\(conflict.kind.rawValue), item \(Format.short(conflict.itemID))):\n"
        var table = Table(["", "EVENT", "RECEIVED", "DEVICE", "VALUES"], maxCellWidth: 70)
        for version in conflict.versions {
            let values = version.values.keys.sorted().map { key in key + "=" + compact(version.values[key] ?? .null) }
            table.append([
                version.eventID == conflict.displayedEventID ? "*" : "", Format.short(version.eventID),
                format.time(version.receivedAt), Format.short(version.deviceID), values.joined(separator: " "),
            ])
        }
        if !table.rows.isEmpty { out += table.render().split(separator: "\n").map { "  " + $0 + "\n" }.joined() }
        for change in conflict.itemChanges ?? [] {
            out += "  plan changed: \(change.field) \(change.baseValue.map(compact) ?? "-") → "
            out += "\(change.currentValue.map(compact) ?? "-")\n"
        }
        if conflict.displayedEventID != nil { out += "  (* = displayed)\n" }
        return out
    }

    /// A JSON value on one line (`"text"`, `12`, `{"a":1}`).
    static func compact(_ value: JSONValue) -> String {
        guard let data = try? JSONCoding.encode(value) else { return "?" }
        return String(decoding: data, as: UTF8.self)
    }
}
