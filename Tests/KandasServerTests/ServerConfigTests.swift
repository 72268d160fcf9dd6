import Foundation
import KandasTestSupport
import Testing

@testable import KandasServer

/// Settings from flags and `KANDAS_*` variables; bad values are refused with the setting's range.
struct ServerConfigTests {
    static func parse(_ arguments: [String], _ environment: [String: String] = [:]) throws -> ServerConfig {
        var config = ServerConfig()
        _ = try ServerConfig.parse(arguments: arguments, environment: environment, into: &config, extraFlags: [])
        return config
    }

    @Test func uploadSweepSeconds_defaultsTo60_andComesFromFlagOrEnvironment() throws {
        #expect(try Self.parse([]).uploadSweepSeconds == 60)
        #expect(try Self.parse([], ["KANDAS_UPLOAD_SWEEP_SECONDS": "5"]).uploadSweepSeconds == 5)
        #expect(
            try Self.parse(["--upload-sweep-seconds", "1"], ["KANDAS_UPLOAD_SWEEP_SECONDS": "5"]).uploadSweepSeconds
                == 1)
        #expect(try Self.parse(["--upload-sweep-seconds=86400"]).uploadSweepSeconds == 86_400)
    }

    @Test(arguments: ["0", "-1", "86401", "1.5", "soon", ""])
    func badUploadSweepSeconds_isAUsageErrorNamingTheRange(value: String) throws {
        for (arguments, environment, name) in [
            (["--upload-sweep-seconds", value], [:], "--upload-sweep-seconds"),
            ([], ["KANDAS_UPLOAD_SWEEP_SECONDS": value], "KANDAS_UPLOAD_SWEEP_SECONDS"),
        ] {
            let error = #expect(throws: CommandError.self) { try Self.parse(arguments, environment) }
            #expect(error?.exitCode == 64)
            #expect(error?.message.contains(name) == true && error?.message.contains("1-86400") == true, "\(error!)")
        }
    }

    @Test func badSetting_stopsTheServerBeforeItStarts() throws {
        let (status, output) = try ServerProcess.run(["serve", "--upload-sweep-seconds", "0"])
        #expect(status == 64)
        #expect(output.contains("--upload-sweep-seconds"), "\(output)")
        let (_, help) = try ServerProcess.run(["help"])
        #expect(help.contains("KANDAS_UPLOAD_SWEEP_SECONDS"))
    }
}
