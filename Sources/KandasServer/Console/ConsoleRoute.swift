import HTTPServer
import KandasProtocol

/// One page or form action of the console: method, path pattern, who may use it, and its handler.
///
/// ``ConsoleTable/all`` is the single source of console routes; the router and the console's
/// authorisation test are both built from it.
struct ConsoleRoute: Sendable {
    /// Who may use a route.
    enum Access: Sendable, Equatable {
        /// No session (login page and form, the stylesheet).
        case open
        /// A staff session whose role is in the set; others get 403.
        case staff(Set<UserRole>)
    }

    let method: HTTPMethod
    let pattern: String
    let access: Access
    let handler: @Sendable (ConsoleContext) throws -> HTTPResponse
    /// The largest form body: 64 KiB, more only for a form that carries a file.
    let bodyLimit: Int

    init(
        _ method: HTTPMethod, _ pattern: String, _ access: Access, bodyLimit: Int = 64 << 10,
        _ handler: @escaping @Sendable (ConsoleContext) throws -> HTTPResponse
    ) {
        self.method = method
        self.pattern = pattern
        self.access = access
        self.bodyLimit = bodyLimit
        self.handler = handler
    }

    /// POST routes change something: they need the session's CSRF token in the form.
    var isForm: Bool { method == .post }

    /// The roles admitted (none for `.open`).
    var roles: Set<UserRole> {
        switch access {
        case .open: return []
        case .staff(let roles): return roles
        }
    }
}
