public import KandasProtocol

/// Resolves a typed ID prefix against the local view, like git resolves short hashes.
public enum IDResolver {
    /// The one candidate whose ID starts with `prefix`.
    ///
    /// - Throws: `CLIError.runtime` "unknown" when none matches, "ambiguous" (listing matches) when several do.
    public static func resolve<T>(
        _ prefix: String, among candidates: [(id: WireID, value: T)], what: String
    ) throws(CLIError) -> T {
        var matches: [(id: WireID, value: T)] = []
        var seen: Set<WireID> = []
        for candidate in candidates where candidate.id.description.hasPrefix(prefix) {
            if seen.insert(candidate.id).inserted { matches.append(candidate) }
        }
        guard let first = matches.first else {
            throw .runtime(
                "unknown \(what) '\(prefix)': not in the local view",
                hint: "run kandas sync to refresh, then copy the ID from the listing", code: "unknown_\(what)")
        }
        guard matches.count == 1 else {
            let shown = matches.prefix(5).map { Format.short($0.id) }.joined(separator: ", ")
            throw .runtime(
                "ambiguous \(what) '\(prefix)': \(matches.count) match (\(shown)\(matches.count > 5 ? ", …" : ""))",
                hint: "type more characters of the ID", code: "ambiguous_\(what)")
        }
        return first.value
    }
}
