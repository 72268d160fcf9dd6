import Testing

@testable import KandasCLI

@Suite struct ParsedArgumentsTests {
    let spec = CommandSpec(
        ["demo"], summary: "demo", arguments: [ArgumentSpec("ITEM", "an item")],
        options: [.value("note", "TEXT", "a note"), .repeatable("photo", "FILE", "a photo"), .flag("pending", "p")])

    @Test func valuesFlagsAndPositionals_areSeparated() throws {
        let parsed = try ParsedArguments.parse(
            ["abcd", "--note", "hello", "--photo=a.jpg", "--photo", "b.jpg", "--pending", "--json"], for: spec)
        #expect(parsed.positionals == ["abcd"])
        #expect(parsed.value("note") == "hello")
        #expect(parsed.all("photo") == ["a.jpg", "b.jpg"])
        #expect(parsed.flag("pending") && parsed.flag("json"))
    }

    @Test func unknownOption_isAUsageError() {
        #expect(throws: CLIError.self) { try ParsedArguments.parse(["--bogus"], for: spec) }
        let error = try? #require(throws: CLIError.self) { try ParsedArguments.parse(["-x"], for: spec) }
        #expect(error?.exitCode == 64)
    }

    @Test func missingValue_isAUsageError() throws {
        let error = try #require(throws: CLIError.self) { try ParsedArguments.parse(["--note"], for: spec) }
        #expect(error.kind == .usage && error.message.contains("--note needs a value"))
        #expect(throws: CLIError.self) { try ParsedArguments.parse(["--note", "--pending"], for: spec) }
    }

    @Test func singleValueOptionGivenTwice_isAUsageError() {
        #expect(throws: CLIError.self) { try ParsedArguments.parse(["--note", "a", "--note", "b"], for: spec) }
    }

    @Test func flagWithInlineValue_isAUsageError() {
        #expect(throws: CLIError.self) { try ParsedArguments.parse(["--pending=yes"], for: spec) }
    }

    @Test func doubleDash_endsOptions() throws {
        let parsed = try ParsedArguments.parse(["--", "--note"], for: spec)
        #expect(parsed.positionals == ["--note"])
    }

    @Test func inlineValue_mayLookLikeAnOption() throws {
        #expect(try ParsedArguments.parse(["--note=--json"], for: spec).value("note") == "--json")
    }

    @Test func negativeCoordinates_areValuesNotOptions() throws {
        let geo = CommandSpec(["g"], summary: "", options: [.value("geo", "G", "")])
        #expect(try ParsedArguments.parse(["--geo", "-33.9,-70.6"], for: geo).value("geo") == "-33.9,-70.6")
    }

    @Test func missingAndExtraPositionals_areUsageErrors() throws {
        let none = try ParsedArguments.parse([], for: spec)
        #expect(throws: CLIError.self) { try none.checkPositionals(spec) }
        let two = try ParsedArguments.parse(["a", "b"], for: spec)
        let error = try #require(throws: CLIError.self) { try two.checkPositionals(spec) }
        #expect(error.message == "unexpected argument 'b'")
    }

    @Test func dashH_isHelp() throws {
        #expect(try ParsedArguments.parse(["-h"], for: spec).flag("help"))
    }
}
