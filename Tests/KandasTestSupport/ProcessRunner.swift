import Dispatch
import Foundation

/// Runs a program to the end and returns what it printed: the one process runner of the tests
/// (instead of each suite creating and wiring its own `Process`).
///
/// A bare name (`curl`) is looked up on `PATH` through `/usr/bin/env`; a path runs as is. Standard
/// input is empty unless `input` is given; standard error is collected apart (read concurrently,
/// so a chatty program cannot fill a pipe and hang) or merged into `output`.
public enum ProcessRunner {
    /// How a program ended and what it printed.
    public struct Outcome: Sendable {
        public var status: Int32
        public var output: String
        public var errors: String
        /// Whether the program exited with status 0.
        public var succeeded: Bool { status == 0 }
    }

    /// Runs `program` with `arguments` and waits for it.
    ///
    /// - Parameters:
    ///   - environment: the whole environment of the child (nil: this process's).
    ///   - mergeErrors: standard error goes into `output` too (in order), `errors` stays empty.
    public static func run(
        _ program: String, _ arguments: [String] = [], environment: [String: String]? = nil,
        input: [UInt8]? = nil, mergeErrors: Bool = false, directory: String? = nil
    ) throws -> Outcome {
        let process = Process()
        if program.contains("/") {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [program] + arguments
        }
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe()
        let err = mergeErrors ? out : Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdin = input.map { _ in Pipe() }
        process.standardInput = stdin ?? FileHandle.nullDevice
        try process.run()
        if let stdin, let input {
            stdin.fileHandleForWriting.write(Data(input))
            try? stdin.fileHandleForWriting.close()
        }
        let errors = Collected()
        let group = DispatchGroup()
        if !mergeErrors {
            DispatchQueue.global().async(group: group) {
                errors.set(err.fileHandleForReading.readDataToEndOfFile())
            }
        }
        let output = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus, output: String(decoding: output, as: UTF8.self),
            errors: String(decoding: errors.data, as: UTF8.self))
    }

    /// Whether `program` is on `PATH`.
    public static func exists(_ program: String) -> Bool {
        (try? run("sh", ["-c", "command -v \(program)"]).succeeded) ?? false
    }

    private final class Collected: @unchecked Sendable {
        // @unchecked Sendable invariant: written once by the reader before `group.wait()` returns.
        var data = Data()
        func set(_ d: Data) { data = d }
    }
}
