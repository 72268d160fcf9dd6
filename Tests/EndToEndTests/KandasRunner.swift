import Foundation
import KandasTestSupport
import Testing

/// Runs the real `kandas` binary as a subprocess against one home folder.
///
/// The binary is `.build/debug/kandas` next to the sources (or `KANDAS_BIN`). Output goes to files,
/// not pipes, so a chatty command never blocks on a full pipe while the test waits for it.
struct KandasRunner: Sendable {
    /// What one run printed and how it ended.
    struct Result: Sendable, CustomStringConvertible {
        var status: Int32
        var out: String
        var err: String

        /// stdout parsed as JSON (`--json`); `[:]` when it is not an object.
        var object: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(out.utf8))) as? [String: Any] ?? [:]
        }

        /// stdout parsed as a JSON array.
        var array: [[String: Any]] {
            (try? JSONSerialization.jsonObject(with: Data(out.utf8))) as? [[String: Any]] ?? []
        }

        var description: String { "exit \(status)\nstdout: \(out.prefix(1500))\nstderr: \(err.prefix(1500))" }
    }

    let home: String
    var environment: [String: String] = [:]

    static func binary() -> String {
        if let path = ProcessInfo.processInfo.environment["KANDAS_BIN"] { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/kandas").path
    }

    /// Starts `kandas ARGUMENTS --home HOME` without waiting; `finish` collects it.
    func start(_ arguments: [String]) throws -> Running {
        var env = ["PATH": "/usr/bin:/bin", "HOME": home, "TZ": "UTC", "KANDAS_LANG": "en"]
        env.merge(environment) { $1 }
        let outPath = home + ".out-" + UUID().uuidString
        let errPath = home + ".err-" + UUID().uuidString
        let process = try ProcessRunner.spawn(
            Self.binary(), arguments + ["--home", home], environment: env, output: .file(outPath),
            errors: .file(errPath))
        return Running(process: process, outPath: outPath, errPath: errPath)
    }

    /// Runs `kandas ARGUMENTS --home HOME` to the end.
    @discardableResult
    func run(_ arguments: [String]) throws -> Result {
        try start(arguments).finish()
    }

    /// Runs a command that must succeed and returns its result.
    func ok(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> Result {
        let result = try run(arguments)
        try #require(
            result.status == 0, "kandas \(arguments.joined(separator: " ")): \(result)",
            sourceLocation: sourceLocation)
        return result
    }

    /// A started `kandas` process.
    struct Running {
        let process: ChildProcess
        let outPath: String
        let errPath: String

        var isRunning: Bool { process.isRunning }

        /// Waits for the exit and reads what it printed (output files removed).
        func finish() -> Result {
            let status = process.wait(timeoutSeconds: 600) ?? process.kill()
            defer {
                try? FileManager.default.removeItem(atPath: outPath)
                try? FileManager.default.removeItem(atPath: errPath)
            }
            let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
            let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
            return Result(status: status, out: out, err: err)
        }
    }
}
