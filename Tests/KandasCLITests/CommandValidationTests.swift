import Foundation
import Testing

@testable import KandasCLI

/// Every command rejects bad lines with exit 64 and a usage line, before opening the store or the network.
@Suite struct CommandValidationTests {
    static let uuid = "0b9d5c1e-6f0a-4c3e-9d2b-7a8e5f1c2d3b"

    static let cases: [([String], String)] = [
        (["help", "bogus"], "no command 'kandas bogus'"),
        (["conflicts", "x"], "unexpected argument 'x'"),
        (["receipts", "--bogus"], "unknown option '--bogus'"),
        (["admin", "logout", "now"], "unexpected argument 'now'"),
        (["enroll"], "needs --server URL and --code CODE"),
        (["enroll", "--server", "ftp://x", "--code", "A"], "must start with https://"),
        (["enroll", "kandas1:https://x#ABC", "--code", "A"], "not both"),
        (["enroll", "not-a-payload"], "is not an enrollment payload"),
        (["sync", "now"], "unexpected argument 'now'"),
        (["status", "--members"], "unknown option '--members'"),
        (["families", "--json=yes"], "--json takes no value"),
        (["items", "--status", "done"], "must be one of: open, completed, cancelled"),
        (["items", "--service", "26"], "from 1 to 25"),
        (["items", "--due-before", "2026-02-30"], "is not a date"),
        (["items", "--family", "zz"], "is not an ID or an ID prefix"),
        (["complete"], "missing ITEM"),
        (["complete", "ab"], "is not an ID or an ID prefix"),
        (["complete", "abcd", "--geo", "43.2"], "is not LAT,LON[,ACC]"),
        (["complete", "abcd", "--geo", "43,200"], "longitude 200"),
        (["complete", "abcd", "--at", "tomorrow"], "is not a time"),
        (["complete", "abcd", "--at", "2099-01-01 10:00"], "is in the future"),
        (["complete", "abcd", "--mock-location"], "give --geo"),
        (["complete", "abcd", "--photo"], "--photo needs a value"),
        (["amend", "abcd"], "at least one change"),
        (["void", "abcd"], "needs --reason"),
        (["void", "abcd", "--reason", "  "], "needs --reason"),
        (["resolve", "abcd"], "exactly one of"),
        (["resolve", "abcd", "--keep", "--void"], "exactly one of"),
        (["resolve", "abcd", "--choose", "x"], "is not an ID or an ID prefix"),
        (["files", "--state", "lost"], "must be one of"),
        (["admin", "login"], "admin login needs --server URL and --user NAME"),
        (["login"], "login needs --server URL and --user NAME"),
        (["login", "--server", "kandas.kz", "--user", "a"], "must start with https://"),
        (["login", "--server", "https://k", "--user", "a"], "set KANDAS_PASSWORD"),
        (["login", "--server", "https://k", "--user", "a", "--password", "x"], "unknown option '--password'"),
        (["admin", "login", "--server", "kandas.kz", "--user", "a"], "must start with https://"),
        (["admin", "login", "--server", "https://k", "--user", "a"], "set KANDAS_PASSWORD"),
        (["admin", "login", "--server", "https://k", "--user", "a", "--password", "x"], "unknown option '--password'"),
        (["admin", "users", "create", "--username", "a"], "needs --username, --name and --role"),
        (["admin", "users", "create", "--username", "A!", "--name", "A", "--role", "auditor"], "a-z 0-9"),
        (["admin", "users", "create", "--username", "abc", "--name", "A", "--role", "boss"], "must be one of"),
        (["admin", "users", "create", "--username", "abc", "--name", "A", "--role", "field_worker"], "--centre"),
        (["admin", "users", "list", "--active", "maybe"], "true or false"),
        (["admin", "codes", "create"], "needs --user"),
        (["admin", "codes", "create", "--user", "a", "--ttl", "5"], "from 60 to 259200"),
        (["admin", "families", "show", "abcd"], "is not an ID"),
        (["admin", "families", "list", "--iin", "123"], "12 digits"),
        (["admin", "import", "families.xlsx"], "must end in .csv or .json"),
        (["admin", "uploads", "--review", "good"], "must be one of"),
        (["admin", "uploads", "--limit", "0"], "from 1 to"),
        (["admin", "review", uuid], "give one of --approve"),
        (["admin", "review", uuid, "--reject"], "--reject needs --comment"),
        (["admin", "review", uuid, "--approve", "--reject"], "only one of"),
        (["admin", "review", "1234"], "is not an ID"),
        (["admin", "report", "monthly", "--region", "KZ-11"], "needs --region REGION and --month"),
        (["admin", "report", "monthly", "--region", "KZ-11", "--month", "2026-13"], "is not a month"),
        (["admin", "report", "monthly", "--region", "KZ-11", "--month", "2026-10", "--format", "pdf"], "csv, json"),
        (["admin", "report", "submit", "--region", "KZ-11", "--month", "2026-10"], "--recipient TEXT"),
        (["admin", "report", "submit", "--region", "KZ-11", "--month", "2026-10", "--recipient", " "], "1 to 300"),
        (["admin", "report", "submissions", "--overdue", "--month", "2026-10"], "--overdue takes no"),
        (["admin", "monitoring", "record", uuid, "--period", "17"], "from 1 to 16"),
        (["admin", "monitoring", "show", "1234"], "is not an ID"),
        (["admin", "cards", "list", "--state", "lost"], "must be one of"),
        (["admin", "cards", "retry", "1234"], "is not an ID"),
        (
            ["admin", "monitoring", "record", uuid, "--period", "2", "--done-on", "2026-10-01", "--channel", "fax"],
            "one of"
        ),
        (["admin", "evaluations", "record", uuid, "--quarter", "2026-Q5"], "YYYY-QN"),
        (
            [
                "admin", "evaluations", "record", uuid, "--quarter", "2026-Q3", "--relevance", "6", "--effectiveness",
                "3", "--social-impact", "3", "--evaluator", "E", "--evaluated-on", "2026-10-03",
            ], "from 1 to 5"
        ),
        (["admin", "evaluations", "show", "1234"], "is not an ID"),
        (["admin", "evaluations", "conclude", uuid, "--on", "2026-10-22"], "--recipient and --conclusion"),
        (["admin", "consents", "show", "1234"], "is not an ID"),
        (["admin", "evaluations", "follow-up", uuid, "--on", "2026-11-01"], "--measures"),
        (["admin", "consents", "record", uuid, "--given-on", "2026-10-01", "--form", "scan.gif"], ".pdf, .jpg"),
        (["admin", "consents", "record", uuid, "--form", "scan.pdf"], "--given-on"),
        (["admin", "devices", "revoke", uuid], "needs --reason"),
        (["admin", "devices", "list", "--status", "gone"], "must be one of"),
        (["admin", "download", uuid], "download needs --out FILE"),
        (["admin", "download", "1234", "--out", "x.jpg"], "is not an ID"),
        // Rules 1, the Centre stay.
        (["admin", "stay", "centres", "x"], "unexpected argument 'x'"),
        (["admin", "stay", "add-centre", "--region", uuid, "--name", "C"], "needs --beds N"),
        (["admin", "stay", "add-centre", "--region", uuid, "--name", "C", "--beds", "0"], "from 1 to 10000"),
        (["admin", "stay", "due", "--all"], "unknown option '--all'"),
        (["admin", "stay", "register"], "needs --centre CENTRE_ID"),
        (["admin", "stay", "register", "--centre", uuid, "--member", "A|1990-01-01"], "'NAME|YYYY-MM-DD|KINSHIP'"),
        (["admin", "stay", "coupon", uuid, "--number", "1", "--issued", "2026-12-01"], "needs --person PERSON_ID"),
        (["admin", "stay", "consider", "7"], "is not an ID"),
        (["admin", "stay", "applications", "--reserve"], "--reserve needs --centre"),
        (["admin", "stay", "applications", "--status", "waiting"], "must be one of"),
        (["admin", "stay", "next", "x"], "is not an ID"),
        (["admin", "stay", "move-in", uuid], "needs --on YYYY-MM-DD"),
        (["admin", "stay", "residents", "--status", "gone"], "must be one of"),
        (["admin", "stay", "end", uuid, "--on", "2027-01-01", "--reason", "eviction2"], "must be one of"),
        (["admin", "stay", "vacate", uuid, "--on", "2027-02-30"], "is not a date"),
        (
            ["admin", "stay", "complaint", uuid, "--kind", "rant", "--received", "2026-12-01"],
            "must be one of: complaint"
        ),
        (["admin", "stay", "terminate", uuid, "--requested", "2027-03-19"], "needs --grounds TEXT"),
        (
            ["admin", "stay", "decide", uuid, "--decision", "maybe", "--on", "2027-03-25", "--document", "D"],
            "keep, evict"
        ),
    ]

    @Test(arguments: cases)
    func badLine_exits64_withTheUsage_andTouchesNothing(arguments: [String], message: String) async {
        let harness = Harness()
        defer { harness.cleanup() }
        let result = await harness.capture(arguments)
        #expect(result.status == 64)
        #expect(result.err.contains(message), "\(result.err)")
        #expect(result.err.contains("Usage: kandas"))
        #expect(result.out.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: harness.home), "nothing may be created on a usage error")
    }

    @Test func everyCommand_hasAtLeastOneRejectedLine() {
        let paths = CommandRegistryTests.paths
        var covered: Set<[String]> = []
        for line in Self.cases {
            for path in paths where Array(line.0.prefix(path.count)) == path { covered.insert(path) }
        }
        let uncovered = paths.filter { !covered.contains($0) }
        #expect(uncovered.isEmpty, "\(uncovered)")
    }
}
