// Placeholder: this module's home (see ../shared/DESIGN.md §3). Filled in by its issue.
public enum SQLiteKitModule {
    public static let name = "SQLiteKit"
}
