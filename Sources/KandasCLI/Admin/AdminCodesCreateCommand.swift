import KandasProtocol

/// `kandas admin codes create`: a one-time enrollment code for a field worker's device (sync-v1 §2.2, §4.5).
struct AdminCodesCreateCommand: Command {
    static let spec = CommandSpec(
        ["admin", "codes", "create"], summary: "create a one-time enrollment code for a field worker",
        options: [
            .value("user", "USER", "the field worker: user ID or user name"),
            .value("ttl", "SECONDS", "how long the code stays valid (60-259200, default 900)"),
        ],
        discussion: "Prints the code, the kandas1: payload (what a QR code carries) and when it expires.",
        examples: [
            "kandas admin codes create --user d.nurlanov", "kandas admin codes create --user d.nurlanov --ttl 86400",
        ])

    let user: String
    let ttl: Int?

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        guard let user = arguments.value("user"), !user.isEmpty else {
            throw .usage("codes create needs --user USER (ID or user name)")
        }
        self.user = user
        ttl = try arguments.value("ttl").map { text throws(CLIError) in
            try InputParser.integer(text, flag: "ttl", in: 60...259_200)
        }
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let client = try context.adminClient()
        let userID: WireID
        if let id = WireID(user.lowercased()) {
            userID = id
        } else {
            let users = try await client.list("/admin/users", query: [("role", "field_worker")], as: User.self)
            guard let found = users.first(where: { $0.username == user }) else {
                throw .runtime(
                    "no field worker '\(user)' in your scope", hint: "list them with kandas admin users list",
                    code: "not_found")
            }
            userID = found.id
        }
        let created = try await client.send(
            "POST", "/admin/enrollment-codes", json: EnrollmentCodeRequest(userID: userID, ttlSeconds: ttl),
            as: EnrollmentCodeCreated.self)
        if context.globals.json { return context.printJSON(ViewJSON.encode(created)) }
        if context.globals.quiet { return context.print(created.payload) }
        context.print("Code:    \(created.code)")
        context.print("Payload: \(created.payload)")
        context.print("Expires: \(context.format.time(created.expiresAt))")
        context.info("On the device: kandas enroll '\(created.payload)'")
    }
}
