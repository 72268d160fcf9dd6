public import KandasProtocol

/// How a `changes` row stores the kind of object it names and what happened to it: small integers
/// (migration `0048-feed-rows-compact`, issue 15), not the text `'event_outcome'` and `'upsert'`.
///
/// The codes are fixed: stored rows and the partial index `changes_entity` (`WHERE entity <> 1`) depend
/// on them, so a code is never renumbered or reused, and a new kind or op gets the next free number
/// (`FeedCodesTests` pins every value). The kinds a push writes for each of its events, `completion`
/// and `event_outcome`, and its op, `upsert`, are 0 and 1: SQLite stores those two integers in a
/// record's header alone, with no content byte. The wire keeps the names (``ChangeEntity``).
public enum FeedCodes {
    /// The stored code of `entity`.
    public static func code(_ entity: ChangeEntity) -> Int64 {
        switch entity {
        case .completion: 0
        case .eventOutcome: 1
        case .family: 2
        case .member: 3
        case .plan: 4
        case .planItem: 5
        case .conflict: 6
        case .review: 7
        case .receipt: 8
        }
    }

    /// The kind a stored code names; nil for a code no kind of this build has.
    public static func entity(_ code: Int64) -> ChangeEntity? {
        code >= 0 && code < Int64(entities.count) ? entities[Int(code)] : nil
    }

    /// Every kind at the index of its code (built from ``code(_:)``, so the two never disagree).
    private static let entities: [ChangeEntity?] = {
        var table = [ChangeEntity?](repeating: nil, count: Int(ChangeEntity.allCases.map(code).max() ?? 0) + 1)
        for entity in ChangeEntity.allCases { table[Int(code(entity))] = entity }
        return table
    }()
}

/// What a `changes` row says happened to its object, as stored (`changes.op`, migration 0048).
///
/// Pull reads only whether it is ``delete`` (the object is gone: the change says so instead of
/// loading it); the others name the write that recorded the row, for a reader of the store. Fixed
/// codes, as ``FeedCodes``'.
public enum FeedOp: Int64, CaseIterable, Sendable {
    /// A write through sync (push, uploads, reviews, conflicts) or an item's admin change.
    case upsert = 0
    /// An object created by an admin (family, member, plan item).
    case create = 1
    /// An admin's update of a family or member.
    case update = 2
    /// A plan published, with its items.
    case publish = 3
    /// A row of every object that existed when the feed began (migration 0005).
    case backfill = 4
    /// The object is gone.
    case delete = 5

    /// The name the rows held as text before migration 0048.
    public var name: String {
        switch self {
        case .upsert: "upsert"
        case .create: "create"
        case .update: "update"
        case .publish: "publish"
        case .backfill: "backfill"
        case .delete: "delete"
        }
    }
}
