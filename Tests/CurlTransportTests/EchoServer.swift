import Foundation
import KandasTestSupport

/// The Python test peer (`echo_server.py`, next to this file) running as a child process on
/// 127.0.0.1, port 0.
struct EchoServer: Sendable {
    let port: Int
    var scheme = "http"

    func url(_ path: String) -> String { "\(scheme)://127.0.0.1:\(port)\(path)" }

    /// What `/echo` saw of a request.
    struct Echo: Decodable, Sendable {
        var method: String
        var headers: [String: String]
        var length: Int
        var sha256: String
        var peer_port: Int
    }
}

/// Runs `body` against a fresh server process and kills the process afterwards, even on failure.
/// With `tls`, the server speaks HTTPS with that certificate and key (PEM paths).
func withEchoServer<T: Sendable>(
    tls: (certificate: String, key: String)? = nil, _ body: (EchoServer) async throws -> T
) async throws -> T {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("echo_server.py")
    let process = try ProcessRunner.spawn(
        "python3", [script.path] + (tls.map { ["--tls", $0.certificate, $0.key] } ?? []), input: .pipe, output: .pipe)
    // Closing its stdin (first thing `stop` does) ends the server even if SIGTERM were blocked in it.
    defer { process.stop() }
    let line = try await onOwnThread { () throws -> String in
        guard let line = process.readLine() else {
            throw TestFailure("echo_server.py exited before printing its port")
        }
        return line
    }
    guard let port = Int(line) else {
        throw TestFailure("echo_server.py printed \(line)")
    }
    return try await body(EchoServer(port: port, scheme: tls == nil ? "http" : "https"))
}

/// Runs blocking work (pipe reads, child processes) on a thread of its own, not the cooperative pool.
func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}

/// Runs a command line tool to completion on its own thread and returns its standard output.
func runTool(_ arguments: [String]) async throws -> String {
    try await onOwnThread {
        let outcome = try ProcessRunner.run(arguments[0], Array(arguments.dropFirst()))
        guard outcome.succeeded else {
            throw TestFailure("\(arguments.joined(separator: " ")) exited with \(outcome.status)")
        }
        return outcome.output
    }
}

/// The SHA-256 of a file as the `openssl` CLI computes it: a digest independent of the server's.
func opensslSHA256(of path: String) async throws -> String {
    let text = try await runTool(["openssl", "dgst", "-sha256", "-r", path])
    guard let hex = text.split(separator: " ").first else { throw TestFailure("openssl dgst printed \(text)") }
    return String(hex)
}

/// A temporary folder removed when `body` returns.
func withTemporaryDirectory<T: Sendable>(_ body: (URL) async throws -> T) async throws -> T {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("curl-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    return try await body(dir)
}

/// Deterministic, incompressible-looking bytes (xorshift64), so a misplaced offset changes the digest.
func patternBytes(count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> [UInt8] {
    var state = seed
    var bytes = [UInt8](repeating: 0, count: count)
    for i in 0..<count {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        bytes[i] = UInt8(truncatingIfNeeded: state)
    }
    return bytes
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension [UInt8] {
    func decodeEcho() throws -> EchoServer.Echo {
        try JSONDecoder().decode(EchoServer.Echo.self, from: Data(self))
    }
}
