import Testing

@testable import KandasCLI

@Suite struct CommandRegistryTests {
    static let paths = CommandRegistry.commands.map { $0.spec.path }

    @Test func commandPaths_areUnique_andNeverAGroupAndACommandAtOnce() {
        #expect(Set(Self.paths).count == Self.paths.count)
        for path in Self.paths { #expect(!CommandRegistry.isGroup(path), "\(path)") }
    }

    @Test(arguments: paths)
    func help_ofEveryCommand_showsUsageEveryFlagAndAnExample(path: [String]) async throws {
        let spec = try #require(CommandRegistry.command(path)).spec
        let harness = Harness()
        defer { harness.cleanup() }
        let result = await harness.capture(path + ["--help"])
        #expect(result.status == 0)
        #expect(result.err.isEmpty)
        #expect(result.out.contains("Usage: " + spec.usage))
        for option in spec.allOptions { #expect(result.out.contains(option.synopsis), "\(option.synopsis)") }
        for argument in spec.arguments { #expect(result.out.contains(argument.name)) }
        #expect(!spec.examples.isEmpty && result.out.contains("Examples:"))
        // `kandas help PATH` prints the same text.
        let viaHelp = await harness.capture(["help"] + path)
        #expect(viaHelp.status == 0 && viaHelp.out == result.out)
    }

    @Test(arguments: [[], ["admin"], ["admin", "users"], ["admin", "codes"], ["admin", "report"]])
    func groupHelp_listsEveryChild(path: [String]) async {
        let harness = Harness()
        defer { harness.cleanup() }
        let result = await harness.capture(path + ["--help"])
        #expect(result.status == 0)
        for child in CommandRegistry.children(of: path) { #expect(result.out.contains("  " + child.word + " ")) }
    }

    @Test func everyGroup_hasASummary() {
        var groups: Set<[String]> = []
        for path in Self.paths where path.count > 1 {
            for length in 1..<path.count { groups.insert(Array(path.prefix(length))) }
        }
        for group in groups { #expect(CommandRegistry.groups[group] != nil, "\(group)") }
    }
}
