import KandasProtocol
import Testing

@testable import KandasCLI

@Suite struct IDResolverTests {
    let a = WireID("aaaa1111-0000-4000-8000-000000000001")!
    let b = WireID("aaaa2222-0000-4000-8000-000000000002")!

    @Test func uniquePrefix_resolves() throws {
        #expect(try IDResolver.resolve("aaaa1", among: [(a, 1), (b, 2)], what: "item") == 1)
        #expect(try IDResolver.resolve(b.description, among: [(a, 1), (b, 2)], what: "item") == 2)
    }

    @Test func uniqueSuffix_resolves() throws {
        #expect(try IDResolver.resolve("0001", among: [(a, 1), (b, 2)], what: "item") == 1)
        #expect(try IDResolver.resolve(Format.short(b), among: [(a, 1), (b, 2)], what: "item") == 2)
    }

    @Test func partThatIsOnePrefixAndAnotherSuffix_isAmbiguous() throws {
        let c = WireID("00000002-0000-4000-8000-0000aaaa2222")!
        let error = try #require(throws: CLIError.self) {
            try IDResolver.resolve("aaaa2222", among: [(b, 2), (c, 3)], what: "event")
        }
        #expect(error.code == "ambiguous_event")
    }

    @Test func sameIDListedTwice_isNotAmbiguous() throws {
        #expect(try IDResolver.resolve("0002", among: [(b, 2), (b, 2)], what: "item") == 2)
    }

    @Test func sharedPrefix_isAmbiguous_andNamesTheMatches() throws {
        let error = try #require(throws: CLIError.self) {
            try IDResolver.resolve("aaaa", among: [(a, 1), (b, 2)], what: "item")
        }
        #expect(error.kind == .runtime && error.code == "ambiguous_item")
        #expect(error.message.contains("00000001") && error.message.contains("00000002"))
    }

    @Test func noMatch_isUnknown_withAHintToSync() throws {
        let error = try #require(throws: CLIError.self) {
            try IDResolver.resolve("bbbb", among: [(a, 1)], what: "conflict")
        }
        #expect(error.code == "unknown_conflict" && error.exitCode == 1)
        #expect(error.hint?.contains("kandas sync") == true)
    }
}
