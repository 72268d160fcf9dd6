import KandasProtocol

extension CommandContext {
    /// The admin API client for the stored session.
    ///
    /// - Throws: `CLIError.runtime` when nobody is logged in or the session has expired.
    func adminClient() throws(CLIError) -> AdminClient {
        guard let session = try AdminSession.load(home: globals.home) else {
            throw .runtime(
                "not logged in as an administrator", hint: "run kandas admin login --server URL --user NAME",
                code: "not_logged_in")
        }
        guard session.expiresAt > .now() else {
            throw .runtime(
                "the admin session expired at \(format.time(session.expiresAt))",
                hint: "run kandas admin login --server \(session.serverURL) --user \(session.username)",
                code: "token_expired")
        }
        return AdminClient(
            baseURL: session.serverURL, token: session.accessToken, transport: environment.makeTransport(),
            makeKey: environment.makeIdempotencyKey)
    }

    /// Prints a server object list as JSON (members' IINs masked unless `--show-iin`).
    func printJSONList<T: Encodable>(_ values: [T]) {
        printJSON(.array(values.map { ViewJSON.encode($0) }))
    }
}
