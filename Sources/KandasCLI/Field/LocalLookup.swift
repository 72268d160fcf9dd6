import KandasClient
import KandasProtocol

/// Resolves what the user typed (ID prefixes, IINs) against the client's local view.
enum LocalLookup {
    /// Calls the client, mapping its error.
    static func call<T>(_ body: () async throws(ClientError) -> T) async throws(CLIError) -> T {
        do {
            return try await body()
        } catch {
            throw CLIError(error)
        }
    }

    /// A family by ID prefix or suffix.
    static func family(_ prefix: String, _ client: KandasClient) async throws(CLIError) -> FamilyView {
        let families = try await call { () async throws(ClientError) in try await client.families() }
        return try IDResolver.resolve(prefix, among: families.map { ($0.family.id, $0) }, what: "family")
    }

    /// A member by ID prefix or suffix or by the full 12-digit IIN.
    static func member(_ text: String, _ client: KandasClient) async throws(CLIError) -> Member {
        let families = try await call { () async throws(ClientError) in try await client.families() }
        let members = families.flatMap(\.members)
        if text.count == 12, text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber) {
            guard let member = members.first(where: { $0.iin == text }) else {
                throw .runtime(
                    "no member with that IIN in the local view",
                    hint: "run kandas sync, then kandas families --members",
                    code: "unknown_member")
            }
            return member
        }
        return try IDResolver.resolve(text, among: members.map { ($0.id, $0) }, what: "member")
    }

    /// A plan item by ID prefix or suffix.
    static func item(_ prefix: String, _ client: KandasClient) async throws(CLIError) -> ItemView {
        let items = try await call { () async throws(ClientError) in try await client.items() }
        return try IDResolver.resolve(prefix, among: items.map { ($0.item.id, $0) }, what: "item")
    }

    /// A completion by ID prefix or suffix.
    static func completion(_ prefix: String, _ client: KandasClient) async throws(CLIError) -> CompletionView {
        let items = try await call { () async throws(ClientError) in try await client.items() }
        let completions = items.flatMap(\.completions)
        return try IDResolver.resolve(prefix, among: completions.map { ($0.id, $0) }, what: "completion")
    }

    /// An open conflict by ID prefix or suffix.
    static func conflict(_ prefix: String, _ client: KandasClient) async throws(CLIError) -> Conflict {
        let conflicts = try await call { () async throws(ClientError) in try await client.conflicts() }
        return try IDResolver.resolve(prefix, among: conflicts.map { ($0.conflict.id, $0.conflict) }, what: "conflict")
    }
}
