import KandasStore

/// Scope (Protocol §3) is applied by the store: every list query ANDs the caller's
/// ``AccessScope``, and every single-object lookup goes through a query that does too, so an object
/// outside the scope is simply not found (`404 not_found`: existence is not revealed). A body that
/// *references* an out-of-scope object gets `403 out_of_scope`.
extension Principal {
    /// The caller's scope, as the store takes it.
    var scope: AccessScope {
        AccessScope(role: role, userID: userID, regionID: regionID, careerCentreID: careerCentreID)
    }
}
