import Foundation
import KandasTestSupport
import Testing

@testable import KandasServer

/// The `kandas-server` command line: help, exit codes, settings from flags and environment.
struct ServerCommandTests {
    @Test func help_listsEveryCommandAndSetting() throws {
        let (status, output) = try ServerProcess.run(["help"])
        #expect(status == 0)
        for word in [
            "serve", "seed-demo", "backup", "migrate", "KANDAS_DATA", "KANDAS_LISTEN", "--port-file", "blobs copy",
            "--blob-store", "KANDAS_BLOB_STORE", "--s3-endpoint", "KANDAS_S3_ENDPOINT", "--s3-region",
            "KANDAS_S3_REGION",
        ] {
            #expect(output.contains(word), "help lacks \(word)")
        }
    }

    @Test(arguments: ServerCommand.commands.map(\.name), ["--help", "-h"])
    func commandHelp_printsThatCommandsHelp_andExits0(command: String, flag: String) throws {
        let (status, output) = try ServerProcess.run([command, flag])
        #expect(status == 0, "\(output)")
        #expect(output.hasPrefix("usage: kandas-server \(command)"), "\(output)")
        #expect(output.contains("KANDAS_DATA") && !output.contains("run 'kandas-server help'"), "\(output)")
    }

    @Test func settingsTable_keepsFlagAndVariableApart_forEveryName() {
        let lines = ServerConfig.helpText.split(separator: "\n").map(String.init)
        #expect(lines.count == ServerConfig.settings.count)
        for (line, setting) in zip(lines, ServerConfig.settings) {
            // At least two spaces between the flag's column, the variable's column and the meaning.
            #expect(line.contains(setting.flag + " VALUE  ") && line.contains(setting.env + "  "), "\(line)")
        }
    }

    @Test func seedDemoJSON_usesSnakeCaseKeys() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString).path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (status, output) = try ServerProcess.run([
            "seed-demo", "--json", "--data", dir, "--password", "test-password-1", "--password-iterations", "1000",
            "--log-level", "warning",
        ])
        #expect(status == 0, "\(output.prefix(300))")
        func keys(_ value: Any) -> [String] {
            if let object = value as? [String: Any] { return object.keys + object.values.flatMap(keys) }
            if let array = value as? [Any] { return array.flatMap(keys) }
            return []
        }
        let all = keys(try JSONSerialization.jsonObject(with: Data(output.utf8)))
        #expect(all.contains("region_id") && all.contains("centre_id"))
        #expect(all.allSatisfy { $0.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" } }, "\(all)")
    }

    @Test(arguments: [
        ["frobnicate"], ["serve", "--listen"], ["serve", "--handler-threads", "0"], ["backup"], [],
        ["serve", "--no-such-flag"], ["seed-demo", "--no-such-flag"], ["frobnicate", "--help"],
    ])
    func usageErrors_exit64(arguments: [String]) throws {
        let (status, _) = try ServerProcess.run(arguments)
        #expect(status == 64)
    }

    @Test func backupOfAMissingStore_exits1() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString).path
        let (status, output) = try ServerProcess.run(["backup", "--data", dir, "--to", dir + "/b.sqlite"])
        #expect(status == 1 && output.contains("no store"))
    }

    @Test func flagsWinOverEnvironment() throws {
        var config = ServerConfig()
        let extras = try ServerConfig.parse(
            arguments: ["--listen=0.0.0.0:9000", "--to", "x"],
            environment: ["KANDAS_LISTEN": "1.2.3.4:1", "KANDAS_DATA": "/d"],
            into: &config, extraFlags: ["--to"])
        #expect(config.listen == "0.0.0.0:9000")
        #expect(config.dataDirectory == "/d")
        #expect(extras == ["--to": "x"])
    }

    @Test func memorySettings_haveBoundedDefaults_andTakeFlagsAndEnvironment() throws {
        var config = ServerConfig()
        #expect(config.mallocArenas == 2 && config.sqliteCacheKiB == 2048 && config.sqliteHeapLimitMiB == 16)
        #expect(config.sqliteReaderCacheKiB == 512)
        #expect(config.mallocSettings?.arenas == 2)
        _ = try ServerConfig.parse(
            arguments: ["--malloc-arenas", "0", "--sqlite-cache-kib=512"],
            environment: [
                "KANDAS_SQLITE_HEAP_LIMIT_MIB": "0", "KANDAS_MALLOC_ARENAS": "4",
                "KANDAS_SQLITE_READER_CACHE_KIB": "256",
            ], into: &config,
            extraFlags: [])
        #expect(config.mallocArenas == 0 && config.mallocSettings == nil)
        #expect(config.sqliteCacheKiB == 512 && config.sqliteHeapLimitMiB == 0 && config.sqliteReaderCacheKiB == 256)
    }

    @Test(arguments: [
        ["--malloc-arenas", "65"], ["--malloc-arenas", "-1"], ["--malloc-arenas", "two"], ["--sqlite-cache-kib", "0"],
        ["--sqlite-cache-kib", "2097152"], ["--sqlite-heap-limit-mib", "-1"], ["--sqlite-heap-limit-mib", "1e3"],
        ["--sqlite-reader-cache-kib", "32"],
    ])
    func badMemorySetting_isAUsageErrorNamingIt(arguments: [String]) throws {
        var config = ServerConfig()
        let error = #expect(throws: CommandError.self) {
            _ = try ServerConfig.parse(arguments: arguments, environment: [:], into: &config, extraFlags: [])
        }
        #expect(
            error?.exitCode == 64
                && error?.message.hasPrefix("invalid value '\(arguments[1])' for \(arguments[0]): ") == true)
        #expect(config == ServerConfig(), "a refused value must change nothing")
        let (status, output) = try ServerProcess.run(["serve"] + arguments)
        #expect(status == 64 && output.contains("invalid value '\(arguments[1])' for \(arguments[0])"), "\(output)")
    }

    @Test func seedDemo_refusesAStoreWithUsers() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let (status, output) = try ServerProcess.run(["seed-demo", "--data", f.server.dataDirectory])
        #expect(status == 1 && output.contains("already has users"))
    }

    @Test func metrics_countRequestsByRoute() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        _ = try f.admin.get("/v1/admin/families")
        // The access log is recorded just after the response is sent: poll until it shows up.
        let line = "kandas_http_requests_total{method=\"GET\",route=\"/v1/admin/families\",status=\"200\"}"
        var text = ""
        for _ in 0..<100 {
            text = try f.server.client.get("/metrics").text
            if text.contains(line) { break }
            usleep(20_000)
        }
        #expect(text.contains(line))
        #expect(text.contains("kandas_store_bytes"))
        #expect(text.contains("kandas_engine_open_connections"))
    }

    @Test func acknowledgedWrite_survivesKill9() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let body = "{\"region_id\":\"\(f.seed.regions[0])\",\"name\":\"Durable\"}"
        let created = try f.admin.json("POST", "/v1/admin/career-centres", body, idempotencyKey: "durable")
        #expect(created.status == 201)
        let id = try #require(created.object["id"] as? String)
        f.server.crash()
        try f.server.restart()
        let admin = try f.server.login("admin")
        #expect(try admin.get("/v1/admin/career-centres/\(id)").status == 200)
        let replay = try admin.json("POST", "/v1/admin/career-centres", body, idempotencyKey: "durable")
        #expect(replay.headers["idempotent-replayed"] == "true" && replay.body == created.body)
    }
}
