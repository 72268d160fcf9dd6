/// The per-row report of a bulk import.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct ImportReport: Sendable, Codable, Equatable {
    /// Identity of the import (audit).
    public var id: WireID
    /// Body format.
    public var format: ImportFormat
    /// Nothing was written.
    public var dryRun: Bool
    /// When it ran.
    public var createdAt: Timestamp
    /// Rows read.
    public var rowsTotal: Int
    /// Rows imported.
    public var rowsOk: Int
    /// Rows with `error` or `skipped`.
    public var rowsFailed: Int
    /// Families created.
    public var familiesCreated: Int
    /// Draft plans created.
    public var plansCreated: Int
    /// Rows with `status != ok` (all rows with `?report=full`).
    public var rows: [ImportRow]

    /// Creates a value from its fields.
    public init(
        id: WireID, format: ImportFormat, dryRun: Bool, createdAt: Timestamp, rowsTotal: Int, rowsOk: Int,
        rowsFailed: Int, familiesCreated: Int, plansCreated: Int, rows: [ImportRow]
    ) {
        self.id = id
        self.format = format
        self.dryRun = dryRun
        self.createdAt = createdAt
        self.rowsTotal = rowsTotal
        self.rowsOk = rowsOk
        self.rowsFailed = rowsFailed
        self.familiesCreated = familiesCreated
        self.plansCreated = plansCreated
        self.rows = rows
    }

    enum CodingKeys: String, CodingKey {
        case id
        case format
        case dryRun = "dry_run"
        case createdAt = "created_at"
        case rowsTotal = "rows_total"
        case rowsOk = "rows_ok"
        case rowsFailed = "rows_failed"
        case familiesCreated = "families_created"
        case plansCreated = "plans_created"
        case rows
    }
}
