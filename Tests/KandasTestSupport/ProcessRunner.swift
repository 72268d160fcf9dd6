public import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The one process runner of the tests: run a program to the end (``run(_:_:environment:input:mergeErrors:directory:timeoutSeconds:)``)
/// or start a long-running child (``spawn(_:_:environment:directory:input:output:errors:)``) that is
/// always stopped.
///
/// Children are started with `posix_spawn` and reaped with `waitpid`, not with Foundation's
/// `Process`: a child gets only its three standard streams (every other descriptor is closed in
/// it), so a pipe or socket of one test never leaks into another test's child when tests run in
/// parallel, and a background grandchild (`pg_ctl start`) cannot keep a wait from returning.
/// Output of ``run(_:_:environment:input:mergeErrors:directory:timeoutSeconds:)`` goes to files,
/// not pipes, for the same reason. A bare name (`curl`) is looked up on `PATH`; a path runs as is.
public enum ProcessRunner {
    /// How a program ended and what it printed.
    public struct Outcome: Sendable {
        /// The exit status, or 128 + the signal that ended it.
        public var status: Int32
        public var output: String
        public var errors: String
        /// Whether the runner killed the program because it ran past its timeout.
        public var timedOut: Bool
        /// Whether the program exited with status 0.
        public var succeeded: Bool { status == 0 && !timedOut }
    }

    /// Runs `program` with `arguments` and waits for it, at most `timeoutSeconds` (then SIGKILL).
    ///
    /// - Parameters:
    ///   - environment: the whole environment of the child (nil: this process's).
    ///   - input: standard input (nil: empty).
    ///   - mergeErrors: standard error goes into `output` too (in order), `errors` stays empty.
    ///   - directory: the child's working directory (nil: this process's).
    public static func run(
        _ program: String, _ arguments: [String] = [], environment: [String: String]? = nil,
        input: [UInt8]? = nil, mergeErrors: Bool = false, directory: String? = nil, timeoutSeconds: Double = 300
    ) throws -> Outcome {
        let scratch = TemporaryFolder(prefix: "kandas-run")
        defer { scratch.remove() }
        var stdin = ChildProcess.Stream.null
        if let input {
            try Data(input).write(to: URL(fileURLWithPath: scratch.file("in")))
            stdin = .file(scratch.file("in"))
        }
        let child = try spawn(
            program, arguments, environment: environment, directory: directory, input: stdin,
            output: .file(scratch.file("out")), errors: mergeErrors ? .output : .file(scratch.file("err")))
        let ended = child.wait(timeoutSeconds: timeoutSeconds)
        let status = ended ?? child.kill()
        func read(_ name: String) -> String {
            String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: scratch.file(name)))) ?? Data(), as: UTF8.self)
        }
        return Outcome(status: status, output: read("out"), errors: read("err"), timedOut: ended == nil)
    }

    /// Starts `program` and returns at once; the caller stops it with ``ChildProcess/stop(graceSeconds:)``
    /// or ``ChildProcess/kill()`` (and dropping the last reference kills it, so nothing is left running).
    ///
    /// - Parameters:
    ///   - environment: the whole environment of the child (nil: this process's).
    ///   - directory: the child's working directory (nil: this process's).
    public static func spawn(
        _ program: String, _ arguments: [String] = [], environment: [String: String]? = nil,
        directory: String? = nil, input: ChildProcess.Stream = .null, output: ChildProcess.Stream = .null,
        errors: ChildProcess.Stream = .null
    ) throws -> ChildProcess {
        try ChildProcess(
            program, arguments, environment: environment ?? ProcessInfo.processInfo.environment,
            directory: directory, streams: (input, output, errors))
    }

    /// Whether `program` is on `PATH`.
    public static func exists(_ program: String) -> Bool {
        (try? run("sh", ["-c", "command -v \(program)"]).succeeded) ?? false
    }
}

/// A started program: its pid, the parent's ends of its pipes, and the one way to stop it.
public final class ChildProcess: @unchecked Sendable {
    // @unchecked Sendable invariant: `exitStatus` is only read and written under `lock`; `detached`
    // is set by the one owner before the last reference goes.

    /// Where a standard stream of the child goes.
    public enum Stream: Sendable {
        /// `/dev/null`.
        case null
        /// A file: read for standard input; created or truncated for output.
        case file(String)
        /// A file that output is appended to (created if missing).
        case append(String)
        /// A pipe whose other end the parent holds (``ChildProcess/output``, ``ChildProcess/input``).
        case pipe
        /// Standard error only: wherever standard output goes.
        case output
    }

    public let pid: pid_t
    /// The read end of the child's standard output, when it is a ``Stream/pipe``.
    public let output: FileHandle?
    /// The write end of the child's standard input, when it is a ``Stream/pipe``.
    public let input: FileHandle?
    private let lock = NSLock()
    private var exitStatus: Int32?
    private var endingSignal: Int32?
    private var detached = false

    init(
        _ program: String, _ arguments: [String], environment: [String: String], directory: String?,
        streams: (input: Stream, output: Stream, errors: Stream)
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var childEnds: [Int32] = []
        defer { for fd in childEnds { close(fd) } }
        var parentEnds: [Int32: Int32] = [:]
        for (target, stream) in [(Int32(0), streams.input), (1, streams.output), (2, streams.errors)] {
            let reading = target == 0
            switch stream {
            case .null:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", reading ? O_RDONLY : O_WRONLY, 0)
            case .file(let path):
                posix_spawn_file_actions_addopen(
                    &actions, target, path, reading ? O_RDONLY : O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            case .append(let path):
                posix_spawn_file_actions_addopen(&actions, target, path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            case .pipe:
                var fds: [Int32] = [-1, -1]
                guard GNU.pipe2(&fds, O_CLOEXEC) == 0 else { throw TestSupportError("pipe failed: errno \(errno)") }
                let (child, parent) = reading ? (fds[0], fds[1]) : (fds[1], fds[0])
                childEnds.append(child)
                parentEnds[target] = parent
                posix_spawn_file_actions_adddup2(&actions, child, target)
            case .output:
                posix_spawn_file_actions_adddup2(&actions, 1, target)
            }
        }
        // The child keeps its three streams only: nothing of this process (another test's pipe,
        // socket or file) leaks into it.
        _ = GNU.closeFrom(&actions, 3)
        if let directory { _ = GNU.changeDirectory(&actions, directory) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = [program] + arguments
        var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        var cEnvironment: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in cEnvironment { free(pointer) } }
        var pid: pid_t = 0
        let spawned =
            program.contains("/")
            ? posix_spawn(&pid, program, &actions, &attributes, &cArguments, &cEnvironment)
            : posix_spawnp(&pid, program, &actions, &attributes, &cArguments, &cEnvironment)
        guard spawned == 0 else {
            for fd in parentEnds.values { close(fd) }
            throw TestSupportError("cannot run \(program): \(String(cString: strerror(spawned)))")
        }
        self.pid = pid
        output = parentEnds[1].map { FileHandle(fileDescriptor: $0, closeOnDealloc: true) }
        input = parentEnds[0].map { FileHandle(fileDescriptor: $0, closeOnDealloc: true) }
    }

    /// Kills the child if it is still running (a test that forgot to stop it leaves nothing behind).
    deinit { if !detached { _ = kill() } }

    /// Leaves the child running when this object goes away: only for a watchdog meant to outlive
    /// the tests (it is then reaped by init).
    public func detach() { detached = true }

    /// The signal that ended the child, once it has ended by one (an exit with status 128 + N is not).
    public var terminatingSignal: Int32? {
        guard !isRunning else { return nil }
        lock.lock()
        defer { lock.unlock() }
        return endingSignal
    }

    /// Whether the child has not exited yet (reaps it when it has).
    public var isRunning: Bool { status(blocking: false) == nil }

    /// Waits for the child to exit, at most `timeoutSeconds` (nil: as long as it takes).
    ///
    /// - Returns: the exit status (128 + signal when a signal ended it), or nil when it still runs.
    @discardableResult
    public func wait(timeoutSeconds: Double? = nil) -> Int32? {
        guard let timeoutSeconds else { return status(blocking: true) }
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        var pause: UInt32 = 1_000
        while true {
            if let status = status(blocking: false) { return status }
            if Date() >= deadline { return nil }
            usleep(pause)
            pause = min(pause * 2, 50_000)
        }
    }

    /// Sends `signal` (unless the child already exited) and waits for the exit.
    @discardableResult
    public func signal(_ signal: Int32) -> Int32 {
        if isRunning { Glibc.kill(pid, signal) }
        return status(blocking: true) ?? 0
    }

    /// A graceful stop: closes the child's input pipe, sends SIGTERM, waits up to `graceSeconds`,
    /// then SIGKILL. Safe to call again.
    ///
    /// - Returns: the exit status.
    @discardableResult
    public func stop(graceSeconds: Double = 20) -> Int32 {
        try? input?.close()
        guard isRunning else { return status(blocking: true) ?? 0 }
        Glibc.kill(pid, SIGTERM)
        return wait(timeoutSeconds: graceSeconds) ?? kill()
    }

    /// SIGKILL and wait: a crash, or the end of a child nobody needs to shut down cleanly.
    @discardableResult
    public func kill() -> Int32 { signal(SIGKILL) }

    /// Reads the child's output pipe up to the first newline (e.g. a port it prints when ready).
    ///
    /// - Returns: the line without its newline, or nil when the output ended first.
    public func readLine() -> String? {
        guard let output else { return nil }
        var bytes: [UInt8] = []
        while !bytes.contains(UInt8(ascii: "\n")) {
            let chunk = output.availableData
            if chunk.isEmpty { return nil }
            bytes += chunk
        }
        return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func status(blocking: Bool) -> Int32? {
        lock.lock()
        defer { lock.unlock() }
        if let exitStatus { return exitStatus }
        var raw: Int32 = 0
        while true {
            let result = waitpid(pid, &raw, blocking ? 0 : WNOHANG)
            if result == pid { break }
            if result == 0 { return nil }
            if errno == EINTR { continue }
            // ECHILD: reaped elsewhere; its status is lost.
            exitStatus = -1
            return exitStatus
        }
        let signal = raw & 0x7f
        exitStatus = signal == 0 ? (raw >> 8) & 0xff : 128 + signal
        endingSignal = signal == 0 ? nil : signal
        return exitStatus
    }
}

/// The GNU extensions the runner needs, looked up in the C library at run time: Swift's Glibc
/// module is built without `_GNU_SOURCE`, so it does not declare them (glibc has had all three
/// since 2.34).
private enum GNU {
    typealias Actions = UnsafeMutablePointer<posix_spawn_file_actions_t>

    static func symbol<T>(_ name: String, as type: T.Type) -> T {
        guard let address = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else {
            fatalError("\(name) is missing from the C library (glibc 2.34 or later is needed)")
        }
        return unsafeBitCast(address, to: type)
    }

    static let pipe2 = symbol("pipe2", as: (@convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32).self)
    static let closeFrom = symbol(
        "posix_spawn_file_actions_addclosefrom_np", as: (@convention(c) (Actions, Int32) -> Int32).self)
    static let changeDirectory = symbol(
        "posix_spawn_file_actions_addchdir_np", as: (@convention(c) (Actions, UnsafePointer<CChar>) -> Int32).self)
}
