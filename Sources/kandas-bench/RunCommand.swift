import Foundation

/// What a peer process printed and how long it ran.
struct CommandResult {
    let status: Int32
    let standardOutput: String
    let standardError: String
    /// Wall time from launch to exit, including process start-up.
    let seconds: Double
}

/// Runs a peer tool found on `PATH` (`openssl`, `sqlite3`, `wrk`...) and waits for it.
///
/// - Throws: `BenchmarkFailure` when the tool cannot be started or exits non-zero.
func runCommand(_ tool: String, _ arguments: [String]) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [tool] + arguments
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    let clock = ContinuousClock()
    let start = clock.now
    do {
        try Children.start(process)
    } catch {
        throw BenchmarkFailure(description: "cannot start \(tool): \(error)")
    }
    defer { Children.release(process.processIdentifier) }
    // Drain both pipes before waiting, so a chatty tool cannot block on a full pipe.
    let outData = output.fileHandleForReading.readDataToEndOfFile()
    let errData = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let elapsed = start.duration(to: clock.now)
    let result = CommandResult(
        status: process.terminationStatus, standardOutput: String(decoding: outData, as: UTF8.self),
        standardError: String(decoding: errData, as: UTF8.self), seconds: elapsed.seconds)
    guard result.status == 0 else {
        throw BenchmarkFailure(
            description: "\(tool) \(arguments.joined(separator: " ")) exited \(result.status): \(result.standardError)")
    }
    return result
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}

/// Times `body` with a monotonic clock.
func measure<T>(_ body: () throws -> T) rethrows -> (value: T, seconds: Double) {
    let clock = ContinuousClock()
    let start = clock.now
    let value = try body()
    return (value, start.duration(to: clock.now).seconds)
}

/// A temporary folder removed when `body` returns or throws.
func withScratchDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("kandas-bench-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    // KANDAS_BENCH_KEEP=1 keeps the scratch folder (the stores) for a look afterwards (dbstat, WAL).
    let keep = ProcessInfo.processInfo.environment["KANDAS_BENCH_KEEP"] != nil
    let removal = Children.onSignal {
        if keep {
            FileHandle.standardError.write(Data("kept scratch directory \(path)\n".utf8))
        } else {
            try? FileManager.default.removeItem(atPath: path)
        }
    }
    defer {
        Children.forget(removal)
        if keep {
            FileHandle.standardError.write(Data("kept scratch directory \(path)\n".utf8))
        } else {
            try? FileManager.default.removeItem(atPath: path)
        }
    }
    return try body(path)
}

/// Runs each body on a thread of its own (a simulated device: 512 KiB of stack) and returns when
/// all have finished; Foundation's threads are not joinable, so it polls.
/// - Throws: ``BenchmarkFailure`` when they have not finished after 10 minutes.
func runOnThreads(_ bodies: [@Sendable () -> Void]) throws {
    let threads = bodies.map { body in
        let thread = Thread { body() }
        thread.stackSize = 512 * 1024
        return thread
    }
    for thread in threads { thread.start() }
    var waited = 0
    while threads.contains(where: { !$0.isFinished }) {
        usleep(20_000)
        waited += 1
        guard waited < 30_000 else { throw BenchmarkFailure(description: "devices did not finish in 10 min") }
    }
}
