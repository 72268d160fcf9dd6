import Testing

@testable import KandasServer

@Suite struct ConsoleLayoutTests {
    @Test func times_areShownInKazakhstanTime() {
        // 2026-10-31T19:30:00Z is 00:30 on 1 November in UTC+5.
        #expect(ConsoleLayout.time(1_793_475_000_000) == "2026-11-01 00:30")
        #expect(ConsoleLayout.time(0) == "1970-01-01 05:00")
        #expect(ConsoleLayout.time(-3_600_000 * 6) == "1969-12-31 23:00")
        #expect(ConsoleLayout.time(nil) == "—")
    }

    @Test func securityPolicy_loadsNothingFromOtherOrigins() {
        let csp = ConsoleLayout.contentSecurityPolicy
        #expect(csp.hasPrefix("default-src 'none'"))
        #expect(!csp.contains("http"))
        #expect(!csp.contains("unsafe"))
    }
}
