// Placeholder: this module's home (see ../shared/DESIGN.md §3). Filled in by its issue.
public enum KandasClientModule {
    public static let name = "KandasClient"
}
