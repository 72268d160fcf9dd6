import KandasProtocol

/// `kandas admin uploads`: completions and their files as the server holds them (sync-v1 §4.9).
struct AdminUploadsCommand: Command {
    static let spec = CommandSpec(
        ["admin", "uploads"], summary: "list uploaded completions (or their files) with filters",
        options: [
            .value("region", "REGION_ID", "only this region"), .value("centre", "CENTRE_ID", "only this career centre"),
            .value("worker", "USER_ID", "only this field worker"), .value("family", "FAMILY_ID", "only this family"),
            .value("iin", "IIN", "only this member"), .value("service", "CODE", "only this service (1-25)"),
            .value("from", "DATE", "performed on or after YYYY-MM-DD"),
            .value("to", "DATE", "performed on or before YYYY-MM-DD"),
            .value("review", "STATE", "pending, approved, has_issues or rejected"),
            .value("completeness", "STATE", "complete or incomplete"),
            .flag("conflicts", "only completions with a conflict"),
            .value("limit", "N", "at most N completions (default 100)"),
            .flag("files", "list one row per file instead"),
        ],
        discussion: "Newest received first.",
        examples: [
            "kandas admin uploads --review pending --from 2026-11-01",
            "kandas admin uploads --completeness incomplete --files",
        ])

    let query: [(String, String)]
    let limit: Int
    let files: Bool

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        var query: [(String, String)] = []
        let ids = [
            ("region", "region_id"), ("centre", "career_centre_id"), ("worker", "worker_id"), ("family", "family_id"),
        ]
        for (flag, name) in ids {
            if let value = arguments.value(flag) {
                query.append((name, try InputParser.id(value, what: "--" + flag).description))
            }
        }
        if let iin = arguments.value("iin") {
            guard iin.count == 12, iin.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw .usage("--iin must be 12 digits")
            }
            query.append(("member_iin", iin))
        }
        if let service = arguments.value("service") {
            query.append(("service_code", "\(try InputParser.integer(service, flag: "service", in: 1...25))"))
        }
        if let from = arguments.value("from") {
            query.append(("performed_from", try InputParser.date(from, flag: "from").description))
        }
        if let to = arguments.value("to") {
            query.append(("performed_to", try InputParser.date(to, flag: "to").description))
        }
        if let review = arguments.value("review") {
            query.append(
                ("review_state", try InputParser.choice(review, flag: "review", as: ReviewState.self).rawValue))
        }
        if let completeness = arguments.value("completeness") {
            let value = try InputParser.choice(completeness, flag: "completeness", as: Completeness.self)
            query.append(("completeness", value.rawValue))
        }
        if arguments.flag("conflicts") { query.append(("has_conflict", "true")) }
        self.query = query
        limit =
            try arguments.value("limit").map { text throws(CLIError) in
                try InputParser.integer(text, flag: "limit", in: 1...100_000)
            } ?? 100
        files = arguments.flag("files")
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let completions = try await context.adminClient().list(
            "/admin/completions", query: query, maximum: limit, as: Completion.self)
        let format = context.format
        if files {
            let all = completions.flatMap(\.files)
            if context.globals.json { return context.printJSONList(all) }
            var table = Table(["FILE", "COMPLETION", "KIND", "TYPE", "SIZE", "STATE", "SHA-256"], rightAligned: [4])
            for file in all {
                table.append([
                    file.attachmentID.description, Format.short(file.completionID), file.kind.rawValue,
                    file.contentType, Format.bytes(Int64(file.size)), file.uploadState.rawValue,
                    String(file.sha256.prefix(16)),
                ])
            }
            return context.printTable(table, empty: "No files match.")
        }
        if context.globals.json { return context.printJSONList(completions) }
        var table = Table(
            ["COMPLETION", "PERFORMED", "SVC", "FAMILY", "FILES", "COMPLETENESS", "REVIEW", "FLAGS"],
            rightAligned: [2, 4])
        for completion in completions {
            var flags = completion.evidenceFlags
            if completion.state == .voided { flags.insert("voided", at: 0) }
            if !completion.conflictIDs.isEmpty { flags.insert("conflict", at: 0) }
            table.append([
                completion.id.description, format.time(completion.performedAt), "\(completion.serviceCode)",
                Format.short(completion.familyID), "\(completion.filesVerified)/\(completion.filesDeclared)",
                completion.completeness.rawValue, completion.reviewState.rawValue, flags.joined(separator: ","),
            ])
        }
        context.printTable(table, empty: "No completions match.")
    }
}
