import Foundation
import Synchronization

/// Where the CLI writes: stdout or stderr of the process, or a buffer in tests.
///
/// Writes are serialised by a `Mutex`, because sync progress arrives on the transport's thread while the
/// command's task prints too.
public final class Console: Sendable {
    /// Whether the stream is a terminal (progress bars and colour-free redraws only then).
    public let isTTY: Bool
    private let fileHandle: FileHandle?
    private let buffer = Mutex<String>("")

    private init(fileHandle: FileHandle?, isTTY: Bool) {
        self.fileHandle = fileHandle
        self.isTTY = isTTY
    }

    /// The process's standard output.
    public static func standardOutput() -> Console {
        Console(fileHandle: .standardOutput, isTTY: isatty(STDOUT_FILENO) == 1)
    }

    /// The process's standard error.
    public static func standardError() -> Console {
        Console(fileHandle: .standardError, isTTY: isatty(STDERR_FILENO) == 1)
    }

    /// A console that keeps what is written (tests read `text`).
    public static func capture(isTTY: Bool = false) -> Console { Console(fileHandle: nil, isTTY: isTTY) }

    /// Everything written so far to a capturing console.
    public var text: String { buffer.withLock { $0 } }

    /// Writes `text` as is.
    public func write(_ text: String) {
        buffer.withLock { captured in
            if let fileHandle {
                // A closed pipe (`kandas items | head`) ends the process with SIGPIPE, like any Unix tool.
                fileHandle.write(Data(text.utf8))
            } else {
                captured += text
            }
        }
    }

    /// Writes `line` and a newline.
    public func line(_ line: String = "") { write(line + "\n") }
}
