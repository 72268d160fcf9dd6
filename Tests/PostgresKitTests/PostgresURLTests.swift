import PostgresKit
import Testing

@Suite struct PostgresURLTests {
    @Test func fullURL_isParsedIntoItsParts() throws {
        let url = try PostgresURL("postgresql://kandas:s%40cret@db.example.kz:6543/kandas_prod?sslmode=verify-full")
        #expect(url.user == "kandas")
        #expect(url.password == "s@cret")
        #expect(url.host == "db.example.kz")
        #expect(url.port == 6543)
        #expect(url.database == "kandas_prod")
        #expect(url.parameter("sslmode") == "verify-full")
    }

    @Test func portDefaultsTo5432_andPasswordIsOptional() throws {
        let url = try PostgresURL("postgres://app@127.0.0.1/app")
        #expect(url.port == 5432)
        #expect(url.password == nil)
    }

    @Test func ipv6Host_isAccepted() throws {
        let url = try PostgresURL("postgresql://app@[::1]:5433/app")
        #expect(url.host == "::1")
        #expect(url.port == 5433)
        #expect(url.redacted == "postgresql://app@[::1]:5433/app")
    }

    @Test func description_neverShowsThePassword() throws {
        let url = try PostgresURL("postgresql://kandas:hunter2@localhost/kandas?sslmode=require")
        #expect(url.redacted == "postgresql://kandas:***@localhost:5432/kandas?sslmode=require")
        #expect(!"\(url)".contains("hunter2"))
    }

    @Test(arguments: [
        "mysql://u@h/d", "postgresql://h/d", "postgresql://u@/d", "postgresql://u@h", "postgresql://u@h/",
        "postgresql://u@h:0/d", "postgresql://u@h:99999/d", "postgresql://u@h:x/d", "postgresql://u@h/d?sslmode=maybe",
        "postgresql://u@h/d?host=evil", "postgresql://u@h/d?sslmode", "postgresql://u:%zz@h/d",
    ])
    func malformedURL_isRefusedWithAReason(text: String) {
        #expect {
            try PostgresURL(text)
        } throws: { error in
            guard let error = error as? PostgresError else { return false }
            return error.kind == .invalidURL && !error.message.isEmpty
        }
    }

    @Test func malformedPasswordEscape_errorDoesNotRepeatThePassword() {
        do {
            _ = try PostgresURL("postgresql://u:topsecret%zz@h/d")
            Issue.record("accepted")
        } catch {
            #expect(!"\(error)".contains("topsecret"))
        }
    }
}
