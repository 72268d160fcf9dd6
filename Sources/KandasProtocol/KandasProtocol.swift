// Placeholder: this module's home (see ../shared/DESIGN.md §3). Filled in by its issue.
public enum KandasProtocolModule {
    public static let name = "KandasProtocol"
}
