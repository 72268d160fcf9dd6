/// Which engine a test server stores in: the suites that matter run once per engine
/// (`@Test(arguments: StoreEngine.allCases)`).
public enum StoreEngine: String, Sendable, CaseIterable, CustomStringConvertible {
    /// SQLite in the data folder (the default deployment).
    case sqlite
    /// A fresh database on the process's shared ``PostgresCluster``.
    case postgresql

    public var description: String { rawValue }
}
