// Placeholder: this module's home (see ../shared/DESIGN.md §3). Filled in by its issue.
public enum KandasDomainModule {
    public static let name = "KandasDomain"
}
