import KandasProtocol

/// `kandas admin review COMPLETION`: records a review decision; devices get it on their next pull (§4.10).
struct AdminReviewCommand: Command {
    static let spec = CommandSpec(
        ["admin", "review"], summary: "approve a completion, or send it back with issues, or reject it",
        arguments: [ArgumentSpec("COMPLETION", "the completion ID (see kandas admin uploads)")],
        options: [
            .flag("approve", "the evidence is sufficient"),
            .flag("has-issues", "the worker must fix something (needs --comment)"),
            .flag("reject", "the completion does not count (needs --comment)"),
            .value("comment", "TEXT", "what is wrong or noteworthy (1-2000 characters)"),
        ],
        discussion: "Give exactly one of --approve, --has-issues, --reject. A comment alone is a plain note.",
        examples: [
            "kandas admin review 1a2b3c4d-... --approve",
            "kandas admin review 1a2b3c4d-... --has-issues --comment 'The receipt photo is unreadable'",
        ])

    let completion: WireID
    let request: ReviewRequest

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        completion = try InputParser.id(arguments.positionals[0], what: "COMPLETION")
        let chosen: [ReviewDecision] = [
            arguments.flag("approve") ? .approve : nil, arguments.flag("has-issues") ? .hasIssues : nil,
            arguments.flag("reject") ? .reject : nil,
        ].compactMap { $0 }
        let comment = arguments.value("comment")?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let comment, !(1...2000).contains(comment.count) {
            throw .usage("--comment must have 1 to 2000 characters")
        }
        guard chosen.count <= 1 else { throw .usage("give only one of --approve, --has-issues, --reject") }
        let decision = chosen.first ?? .comment
        guard decision == .approve || comment != nil else {
            throw .usage(
                chosen.isEmpty
                    ? "give one of --approve, --has-issues, --reject (or --comment for a note)"
                    : "--\(decision == .hasIssues ? "has-issues" : "reject") needs --comment TEXT")
        }
        request = ReviewRequest(decision: decision, comment: comment)
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let review = try await context.adminClient().send(
            "POST", "/admin/completions/\(completion)/reviews", json: request, as: Review.self)
        if context.globals.json { return context.printJSON(ViewJSON.encode(review)) }
        context.print(
            "Recorded \(review.decision.rawValue) on completion \(Format.short(completion)); "
                + "the device sees it after its next sync.")
    }
}
