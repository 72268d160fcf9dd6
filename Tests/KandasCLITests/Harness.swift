import Foundation
import KandasClient
import Synchronization

@testable import KandasCLI

/// Runs `kandas` in-process with captured output, a temporary home and a fake transport.
struct Harness {
    let root: String
    let stdout: Console
    let stderr: Console
    var variables: [String: String]
    var transport: any Transport
    var stdoutIsTTY = false
    /// Makes stdin a terminal that answers every secret prompt with this text.
    var typedSecret: String?
    let keys = KeyCounter()

    init(transport: any Transport = OfflineTransport(), stdoutIsTTY: Bool = false) {
        root = NSTemporaryDirectory() + "kandas-cli-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        self.stdoutIsTTY = stdoutIsTTY
        stdout = .capture(isTTY: stdoutIsTTY)
        stderr = .capture()
        variables = ["HOME": root, "KANDAS_HOME": root + "/home"]
        self.transport = transport
    }

    var home: String { root + "/home" }

    /// Runs one command line; returns the exit status.
    func run(_ arguments: [String]) async -> Int32 {
        let transport = self.transport
        let counter = keys
        let secret = typedSecret
        let environment = CLIEnvironment(
            variables: variables, stdout: stdout, stderr: stderr, stdinIsTTY: secret != nil,
            makeTransport: { transport },
            clock: { 100 }, timeZone: TimeZone(identifier: "Asia/Almaty")!,
            readSecret: { _ in secret }, makeIdempotencyKey: { "key-\(counter.next())" })
        return await KandasCLI.run(arguments, environment: environment)
    }

    /// Runs and returns (status, stdout, stderr) of this run only.
    func capture(_ arguments: [String]) async -> (status: Int32, out: String, err: String) {
        let outBefore = stdout.text.count
        let errBefore = stderr.text.count
        let status = await run(arguments)
        return (status, String(stdout.text.dropFirst(outBefore)), String(stderr.text.dropFirst(errBefore)))
    }

    func cleanup() { try? FileManager.default.removeItem(atPath: root) }

    /// Writes a file starting with `magic` bytes (JPEG by default) and returns its path.
    func file(_ name: String, magic: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0], size: Int = 1024) throws -> String {
        let path = root + "/" + name
        var bytes = magic
        while bytes.count < size { bytes.append(UInt8(truncatingIfNeeded: bytes.count &* 31)) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}

/// A transport that fails every request, as a machine without network does.
struct OfflineTransport: Transport {
    func send(
        _ request: TransportRequest, progress: (@Sendable (TransferProgress) -> Void)?
    ) async throws(TransportError) -> TransportResponse {
        throw .couldNotConnect("offline test transport")
    }
}

/// Numbers idempotency keys so tests can assert them.
final class KeyCounter: Sendable {
    let value = Mutex<Int>(0)

    func next() -> Int {
        value.withLock {
            $0 += 1
            return $0
        }
    }
}
