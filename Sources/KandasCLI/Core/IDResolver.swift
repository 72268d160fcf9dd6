public import KandasProtocol

/// Resolves a typed ID part against the local view, like git resolves short hashes.
///
/// The part may be a prefix or a suffix of the ID. Listings show the last 8 hex digits (`Format.short`)
/// because they are random in both version 4 and version 7 IDs, while a v7 ID begins with its timestamp,
/// which every ID minted in the same minute shares; full IDs and older prefixes typed from elsewhere
/// still resolve.
public enum IDResolver {
    /// The one candidate whose ID starts or ends with `part`.
    ///
    /// - Throws: `CLIError.runtime` "unknown" when none matches, "ambiguous" (listing matches) when several do.
    public static func resolve<T>(
        _ part: String, among candidates: [(id: WireID, value: T)], what: String
    ) throws(CLIError) -> T {
        var matches: [(id: WireID, value: T)] = []
        var seen: Set<WireID> = []
        for candidate in candidates where isMatch(part, candidate.id) {
            if seen.insert(candidate.id).inserted { matches.append(candidate) }
        }
        guard let first = matches.first else {
            throw .runtime(
                "unknown \(what) '\(part)': not in the local view",
                hint: "run kandas sync to refresh, then copy the ID from the listing", code: "unknown_\(what)")
        }
        guard matches.count == 1 else {
            let shown = matches.prefix(5).map { Format.short($0.id) }.joined(separator: ", ")
            throw .runtime(
                "ambiguous \(what) '\(part)': \(matches.count) match (\(shown)\(matches.count > 5 ? ", …" : ""))",
                hint: "type more characters of the ID, or the whole ID", code: "ambiguous_\(what)")
        }
        return first.value
    }

    /// Whether `part` is a prefix or a suffix of the ID's wire form.
    static func isMatch(_ part: String, _ id: WireID) -> Bool {
        let text = id.description
        return text.hasPrefix(part) || text.hasSuffix(part)
    }
}
