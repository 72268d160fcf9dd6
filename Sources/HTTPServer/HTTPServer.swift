// Placeholder: this module's home (see ../shared/DESIGN.md §3). Filled in by its issue.
public enum HTTPServerModule {
    public static let name = "HTTPServer"
}
