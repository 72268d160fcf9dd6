import Foundation
import Testing

@testable import KandasCLI

@Suite struct KandasCLITests {
    @Test func noCommand_printsTheCommandList_andExits64() async {
        let harness = Harness()
        defer { harness.cleanup() }
        let result = await harness.capture([])
        #expect(result.status == 64)
        #expect(result.err.contains("no command given") && result.err.contains("complete"))
    }

    @Test func unknownCommands_exit64() async {
        let harness = Harness()
        defer { harness.cleanup() }
        #expect(await harness.capture(["frobnicate"]).err.contains("unknown command 'frobnicate'"))
        #expect(await harness.run(["frobnicate"]) == 64)
        let nested = await harness.capture(["admin", "users", "delete"])
        #expect(nested.status == 64 && nested.err.contains("unknown command 'admin users delete'"))
    }

    @Test func groupWithoutCommand_exits64() async {
        let harness = Harness()
        defer { harness.cleanup() }
        let result = await harness.capture(["admin", "devices"])
        #expect(result.status == 64 && result.err.contains("revoke"))
    }

    @Test func version_printsAndExits0_anywhere() async {
        let harness = Harness()
        defer { harness.cleanup() }
        #expect(await harness.capture(["--version"]).out == "kandas \(KandasCLI.version)\n")
        #expect(await harness.capture(["status", "--version"]).out == "kandas \(KandasCLI.version)\n")
    }

    @Test func globalOptions_mayComeBeforeTheCommand() async {
        var harness = Harness()
        harness.variables["KANDAS_HOME"] = nil
        defer { harness.cleanup() }
        let result = await harness.capture(["--home", harness.root + "/elsewhere", "--json", "status"])
        #expect(result.status == 0 && result.out.contains("\"outbox_events\" : 0"))
        #expect(FileManager.default.fileExists(atPath: harness.root + "/elsewhere/client.sqlite"))
    }

    @Test func badLanguage_exits64_fromFlagOrEnvironment() async {
        var harness = Harness()
        defer { harness.cleanup() }
        #expect(await harness.capture(["items", "--lang", "de"]).err.contains("--lang must be kk, ru or en"))
        harness.variables["KANDAS_LANG"] = "fr"
        #expect(await harness.capture(["items"]).err.contains("KANDAS_LANG must be kk, ru or en"))
        #expect(await harness.run(["items"]) == 64)
    }

    @Test func homeDefaultsToKandasHome_thenDotKandasInHOME() throws {
        let parsed = ParsedArguments()
        #expect(try GlobalOptions(parsed, environment: ["KANDAS_HOME": "/x"]).home == "/x")
        #expect(try GlobalOptions(parsed, environment: ["HOME": "/home/u"]).home == "/home/u/.kandas")
        var flagged = ParsedArguments()
        flagged.values["home"] = ["~/field"]
        #expect(try GlobalOptions(flagged, environment: ["HOME": "/h", "KANDAS_HOME": "/x"]).home == "/h/field")
    }

    @Test func runtimeErrors_exit1_withAHint() async {
        let harness = Harness()
        defer { harness.cleanup() }
        let result = await harness.capture(["sync"])
        #expect(result.status == 1)
        #expect(
            result.err.contains("kandas: error: ") && result.err.contains("hint: ") && result.err.contains("enroll"))
        #expect(!result.err.contains("Usage:"))
    }
}
