import KandasDomain
public import KandasProtocol

/// A completion's location as numbers (migration `0040-completion-evidence-as-numbers`, issue 15):
/// seven columns instead of the ~119 bytes of JSON text each pushed completion stored.
///
/// Lossless for every value push accepts (Protocol §9.2, ``EventValidation/location(_:_:)``): the
/// coordinates, accuracy and altitude are finite `Double`s, which a SQLite `REAL` and a PostgreSQL
/// `double precision` hold bit for bit (PostgreSQL's text results print the shortest exact form,
/// `extra_float_digits` 1); `fix_time` is a ``Timestamp``, whole milliseconds whose wire text is
/// always its canonical form (the column text held that form too); provider and mock are codes. The
/// wire object is written from the ``Geolocation`` read back, as it was from the decoded text. A
/// completion without a location has NULL in all seven; one whose columns do not make a location
/// (written by hand) reads as none, as unreadable text did.
public enum StoredLocation {
    /// The columns, in the order ``values(_:)`` gives and ``read(_:at:)`` reads them.
    public static let names = [
        "loc_latitude", "loc_longitude", "loc_accuracy_m", "loc_altitude_m", "loc_fix_time", "loc_provider",
        "loc_mock",
    ]

    /// The columns of alias `alias` for a select list.
    public static func select(_ alias: String) -> String { names.map { "\(alias).\($0)" }.joined(separator: ", ") }

    /// `loc_latitude = ?, …` for an UPDATE that sets a new location (seven values from ``values(_:)``).
    public static let assignments = names.map { "\($0) = ?" }.joined(separator: ", ")

    /// "Has a location" on alias `alias` (every column is set together; latitude is never NULL then).
    public static func presentSQL(_ alias: String) -> String { "\(alias).loc_latitude IS NOT NULL" }

    /// A provider's stored code. Fixed: stored rows depend on it (a new provider gets a new code).
    public static func code(_ provider: LocationProvider) -> Int64 {
        switch provider {
        case .gps: 0
        case .network: 1
        case .fused: 2
        case .manual: 3
        }
    }

    /// The provider of a stored code; nil for a code no provider has.
    public static func provider(_ code: Int64) -> LocationProvider? {
        LocationProvider.allCases.first { Self.code($0) == code }
    }

    /// The seven column values of a location (all NULL for none). A zero is stored as +0: SQLite
    /// keeps a `REAL` with no fraction as an integer, so -0 would read back as +0 there and -0 on
    /// PostgreSQL (`store copy` compares both); the wire writes either as `0`, `Double` compares them equal.
    public static func values(_ g: Geolocation?) -> [DatabaseValue] {
        guard let g else { return Array(repeating: .null, count: names.count) }
        func real(_ x: Double) -> DatabaseValue { .real(x == 0 ? 0 : x) }
        return [
            real(g.latitude), real(g.longitude), real(g.accuracyMeters), g.altitudeMeters.map(real) ?? .null,
            .integer(g.fixTime.millisecondsSince1970), .integer(code(g.provider)), .integer(g.mock ? 1 : 0),
        ]
    }

    /// The location of a row selected with ``select(_:)`` (columns by name).
    public static func read(_ row: DatabaseRow) -> Geolocation? {
        location(names.map { row[$0] })
    }

    /// The location in columns `first ..< first + 7` of a row read in place (pull's page writer).
    public static func read(_ row: ColumnValues, at first: Int) -> Geolocation? {
        func value(_ k: Int) -> DatabaseValue {
            switch row[first + k] {
            case .integer(let n): .integer(n)
            case .real(let x): .real(x)
            default: .null
            }
        }
        return location((0..<names.count).map(value))
    }

    /// A location from the seven values; nil when any required one is absent or not a number.
    public static func location(_ v: [DatabaseValue]) -> Geolocation? {
        guard v.count == names.count, let latitude = double(v[0]), let longitude = double(v[1]),
            let accuracy = double(v[2]), case .integer(let fix) = v[4], case .integer(let code) = v[5],
            let provider = provider(code), case .integer(let mock) = v[6]
        else { return nil }
        let altitude: Double?
        if case .null = v[3] {
            altitude = nil
        } else {
            guard let value = double(v[3]) else { return nil }
            altitude = value
        }
        return Geolocation(
            latitude: latitude, longitude: longitude, accuracyMeters: accuracy,
            fixTime: Timestamp(millisecondsSince1970: fix), provider: provider, mock: mock != 0,
            altitudeMeters: altitude)
    }

    static func double(_ v: DatabaseValue) -> Double? {
        switch v {
        case .real(let x): x
        case .integer(let n): Double(n)
        default: nil
        }
    }
}

/// A completion's `evidence_flags` and `evidence_missing` lists (Protocol §9.1) as integer bit
/// masks (migration 0040, issue 15): bit `n` is name `n` of the list. The server computes each list
/// in the order of these names (`CompletionStore.evidenceFlags`,
/// ``EvidenceRule/incompleteReasons(present:filesDeclared:filesVerified:)``), so the list read
/// back is the list written; a list that has a name without a bit, or is out of this order, cannot
/// be stored (``mask(_:_:)`` is nil, a push fails with a server error; `CompletionEvidenceTests`
/// checks every list the rules can produce). Bits are fixed: stored rows depend on them, a new name
/// is appended at the place its rule adds it only when that is the end.
public enum EvidenceBits {
    /// `evidence_flags`, bit by bit.
    public static let flags = [
        "missing_photo", "missing_video", "missing_document", "missing_location", "mock_location", "low_accuracy",
        "far_from_settlement", "clock_skew", "performed_after_recorded",
    ]

    /// `evidence_missing`, bit by bit.
    public static let missing = ["photo", "video", "document", "geolocation", EvidenceRule.unverifiedFiles]

    /// The mask of `list`; nil when a name has no bit or the names are not in bit order (once each).
    public static func mask(_ list: [String], _ names: [String]) -> Int64? {
        var mask: Int64 = 0
        var last = -1
        for name in list {
            guard let bit = names.firstIndex(of: name), bit > last else { return nil }
            mask |= 1 << Int64(bit)
            last = bit
        }
        return mask
    }

    /// The names of the bits set in `mask`, in bit order (bits without a name are not listed).
    public static func list(_ mask: Int64, _ names: [String]) -> [String] {
        names.indices.filter { mask & (1 << Int64($0)) != 0 }.map { names[$0] }
    }

    /// The list's wire bytes (`["a","b"]`) for pull's page writer.
    public static func write(_ mask: Int64, _ names: [String], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        var first = true
        for bit in names.indices where mask & (1 << Int64(bit)) != 0 {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            JSONBytes.string(names[bit], to: &out)
        }
        out.append(UInt8(ascii: "]"))
    }
}

/// Migration `0040-completion-evidence-as-numbers` on either engine (issue 15, bytes written per
/// pushed event): `completions.location` (JSON text) becomes the seven ``StoredLocation`` columns,
/// `evidence_flags` and `evidence_missing` (JSON lists) become `flag_bits` and `missing_bits`
/// (``EvidenceBits``); `completions_missing` and the console counters' triggers read the new columns.
///
/// Each row's text is read as every reader read it (the wire decoder), so the API, pull pages,
/// exports and console show the same values after. Text the server never wrote is kept as far as
/// it can be: unreadable location text (which every reader showed as no location) becomes none, a
/// list's names without a bit are left out (every list the server wrote has bits only; the names
/// are unchanged since they were introduced). When any row was such, the console's counters are
/// counted again, since "located" and "incomplete" read the new columns.
public enum CompletionEvidenceMigration {
    public static func migrate(_ db: any DatabaseConnection) throws {
        let postgres = db.dialect.name == .postgresql
        let real = postgres ? "double precision" : "REAL"
        let integer = postgres ? "bigint" : "INTEGER"
        try ConsoleRollups.dropCompletionUpdateTrigger(db)
        try db.execute("DROP INDEX completions_missing;")
        let types = [real, real, real, real, integer, integer, integer]
        for (name, type) in zip(StoredLocation.names, types) {
            try db.execute("ALTER TABLE completions ADD COLUMN \(name) \(type);")
        }
        try db.execute(
            """
            ALTER TABLE completions ADD COLUMN flag_bits \(integer) NOT NULL DEFAULT 0;
            ALTER TABLE completions ADD COLUMN missing_bits \(integer) NOT NULL DEFAULT 0;
            """)
        var inexact = false
        let update = try db.prepare(
            "UPDATE completions SET \(StoredLocation.assignments), flag_bits = ?, missing_bits = ? WHERE id = ?")
        defer { update.reset() }
        // A thousand rows at a time in rowid order (a column on PostgreSQL too), so a large store's
        // conversion holds one batch in memory, not every row.
        var after: Int64 = -1
        while true {
            let rows = try db.query(
                "SELECT rowid AS r, id, location, evidence_flags, evidence_missing FROM completions WHERE rowid > ?"
                    + " ORDER BY rowid LIMIT 1000", values: [.integer(after)])
            guard let last = rows.last else { break }
            after = try last.int("r")
            for row in rows {
                let text = row.optionalString("location")
                let location = text.flatMap { decode(Geolocation.self, $0) }
                let flags = bits(try row.string("evidence_flags"), EvidenceBits.flags)
                let missing = bits(try row.string("evidence_missing"), EvidenceBits.missing)
                if (text != nil && location == nil) || !flags.exact || !missing.exact { inexact = true }
                guard text != nil || flags.mask != 0 || missing.mask != 0 else { continue }
                try update.bind(
                    StoredLocation.values(location) + [
                        .integer(flags.mask), .integer(missing.mask), .text(try row.string("id")),
                    ])
                _ = try update.run()
                update.reset()
            }
        }
        try db.execute(
            """
            ALTER TABLE completions DROP COLUMN location;
            ALTER TABLE completions DROP COLUMN evidence_flags;
            ALTER TABLE completions DROP COLUMN evidence_missing;
            CREATE INDEX completions_missing ON completions(received_at) WHERE missing_bits <> 0;
            """)
        try ConsoleRollups.installCompletionTriggers(db, .asOf0040)
        if inexact { try ConsoleRollups.recount(db, .asOf0040) }
    }

    /// A stored list's mask: its names with a bit, and whether that is all of it in bit order.
    static func bits(_ text: String, _ names: [String]) -> (mask: Int64, exact: Bool) {
        let list = decode([String].self, text) ?? []
        if let mask = EvidenceBits.mask(list, names) { return (mask, text == "[]" || !list.isEmpty) }
        let mask = list.compactMap { names.firstIndex(of: $0) }.reduce(Int64(0)) { $0 | 1 << Int64($1) }
        return (mask, false)
    }

    /// JSON column text as the server's readers decoded it (`decodeJSON`): nil when unreadable.
    static func decode<T: Decodable>(_ type: T.Type, _ text: String) -> T? {
        try? JSONCoding.decodeReportingUnknown(type, from: JSONValue.parse(Array(text.utf8))).value
    }
}

/// Migration `0041-completion-columns-from-item-and-event` on either engine (issue 15, bytes written
/// per pushed event): `completions` loses `family_id`, `member_id` (its item's: an item never
/// changes family or member, and push stores the item's) and `device_id` (the device of its
/// `complete` event, `event_seq`: neither is ever changed, events are never deleted); readers take
/// them from there (`CompletionStore.familySQL`, `memberSQL`, `deviceSQL`). A store whose rows
/// disagree with that (edited by hand) is not migrated: the migration fails with the number of such
/// rows and changes nothing.
public enum CompletionDerivedColumnsMigration {
    public static func migrate(_ db: any DatabaseConnection) throws {
        let same = db.dialect.isSame
        let differing =
            try db.queryOne(
                "SELECT count(*) AS n FROM completions c WHERE NOT ("
                    + same("c.family_id", "(SELECT ci.family_id FROM plan_items ci WHERE ci.id = c.item_id)") + " AND "
                    + same("c.member_id", "(SELECT ci.member_id FROM plan_items ci WHERE ci.id = c.item_id)") + " AND "
                    + same("c.device_id", "(SELECT ce.device_id FROM device_events ce WHERE ce.seq = c.event_seq)")
                    + ")", values: [])?.int("n") ?? 0
        guard differing == 0 else {
            throw DatabaseError(
                .constraint,
                "0041: \(differing) completions have a family, member or device other than their item's and event's;"
                    + " the store is left as it is")
        }
        try ConsoleRollups.dropCompletionUpdateTrigger(db)
        try db.execute(
            """
            ALTER TABLE completions DROP COLUMN family_id;
            ALTER TABLE completions DROP COLUMN member_id;
            ALTER TABLE completions DROP COLUMN device_id;
            """)
        try ConsoleRollups.installCompletionTriggers(db, .asOf0041)
    }
}
