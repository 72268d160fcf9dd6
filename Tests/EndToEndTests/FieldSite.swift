import Foundation
import KandasDomain
import KandasTestSupport
import Testing

/// One end-to-end scene: the real server (seeded demo organisation), an administrator's home logged in
/// through `kandas admin login`, device homes, and evidence files, all under one temporary folder.
///
/// `url` is what devices enroll against: the server itself, or a ``FaultProxy`` in front of it.
/// `cleanup()` stops the server and removes every folder.
final class FieldSite: @unchecked Sendable {
    // @unchecked: one test owns a site and uses it from its own task only.
    let root: String
    let server: ServerProcess
    let seed: ServerProcess.SeedInfo
    let admin: KandasRunner

    init(serverArguments: [String] = []) throws {
        root =
            FileManager.default.temporaryDirectory.appendingPathComponent(
                "kandas-e2e-" + UUID().uuidString.lowercased()
            ).path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        server = try ServerProcess(seed: true, arguments: serverArguments)
        guard let seed = server.seed else { throw TestSupportError("the server was not seeded") }
        self.seed = seed
        admin = KandasRunner(home: root + "/admin", environment: ["KANDAS_PASSWORD": seed.password])
        _ = try admin.ok(["admin", "login", "--server", serverURL, "--user", "admin"])
    }

    deinit { cleanup() }

    /// The server's own base URL (it changes when the server restarts).
    var serverURL: String { "http://127.0.0.1:\(server.port)" }

    func cleanup() {
        server.cleanup()
        try? FileManager.default.removeItem(atPath: root)
    }

    /// A device home (not yet enrolled).
    func device(_ name: String) -> KandasRunner { KandasRunner(home: root + "/" + name) }

    /// Enrolls a new device home with `code` against `url` and pulls its first snapshot.
    func enrolledDevice(_ name: String, code: String, url: String? = nil) throws -> KandasRunner {
        let device = device(name)
        _ = try device.ok(["enroll", "--server", url ?? serverURL, "--code", code, "--name", name, "--quiet"])
        _ = try device.ok(["sync", "--json"])
        return device
    }

    /// A fresh one-time enrollment code for `user`, created with `kandas admin codes create`.
    func newCode(for user: String, ttl: Int = 900) throws -> String {
        let created = try admin.ok(["admin", "codes", "create", "--user", user, "--ttl", String(ttl), "--json"])
        guard let code = created.object["code"] as? String else {
            throw TestSupportError("codes create printed no code: \(created)")
        }
        return code
    }

    /// A logged-in admin API client (national administrator).
    func adminAPI() throws -> TestHTTPClient { try server.login("admin") }

    /// Writes an evidence file of `size` bytes with the right magic bytes for its kind.
    func evidence(_ name: String, _ kind: EvidenceKind, size: Int = 4096, seed: UInt64 = 1) throws -> String {
        let path = root + "/evidence/" + name
        try FileManager.default.createDirectory(atPath: root + "/evidence", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        let header = kind.header
        var state = seed &+ 0x9E37_79B9_7F4A_7C15
        var written = 0
        while written < size {
            var block = [UInt8](repeating: 0, count: min(1 << 20, size - written))
            for i in stride(from: 0, to: block.count, by: 8) {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                withUnsafeBytes(of: state) { bytes in
                    for j in 0..<min(8, block.count - i) { block[i + j] = bytes[j] }
                }
            }
            if written == 0 {
                for (i, byte) in header.enumerated() where i < block.count { block[i] = byte }
            }
            try handle.write(contentsOf: block)
            written += block.count
        }
        return path
    }

    /// The kinds of evidence file the tests make.
    enum EvidenceKind {
        case jpeg, mp4, pdf

        var header: [UInt8] {
            switch self {
            case .jpeg: [0xFF, 0xD8, 0xFF, 0xE0]
            case .mp4: [0, 0, 0, 0x18] + Array("ftypisom".utf8) + [0, 0, 2, 0] + Array("isommp41".utf8)
            case .pdf: Array("%PDF-1.4\n".utf8)
            }
        }
    }
}

/// Small readers of the CLI's `--json` output.
extension KandasRunner {
    /// `kandas items --json`.
    func items() throws -> [[String: Any]] { try ok(["items", "--json"]).array }

    /// The first open item whose service is done once only (a second completion is a conflict).
    func onceOnlyItem() throws -> [String: Any] {
        let item = try items().first { item in
            guard let code = item["service_code"] as? Int, item["status"] as? String == "open",
                let service = try? ServiceCatalog.service(code: code)
            else { return false }
            return service.recurrence == .once
        }
        return try #require(item, "no open once-only item in the demo plan")
    }

    /// Open items whose service may recur (completing them many times creates no conflict).
    func recurringItems() throws -> [[String: Any]] {
        try items().filter { item in
            guard let code = item["service_code"] as? Int, let service = try? ServiceCatalog.service(code: code)
            else { return false }
            return service.recurrence == .recurring
        }
    }

    /// `kandas conflicts --json`: the open conflicts.
    func conflicts() throws -> [[String: Any]] {
        try ok(["conflicts", "--json"]).object["conflicts"] as? [[String: Any]] ?? []
    }

    /// `kandas status --json`.
    func status() throws -> [String: Any] { try ok(["status", "--json"]).object }

    /// Every file under the home folder, relative, sorted (what "nothing half-written" compares).
    func homeListing() -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: home)
        var names: [String] = []
        while let name = enumerator?.nextObject() as? String { names.append(name) }
        return names.filter { !$0.hasSuffix("-wal") && !$0.hasSuffix("-shm") }.sorted()
    }
}
