import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Reads a password from the terminal with echo turned off (termios), never from a flag.
enum PasswordPrompt {
    /// Prompts on stderr and reads one line from stdin without echo; `nil` when stdin is not a terminal
    /// or input ended.
    static func read(_ prompt: String) -> String? {
        guard isatty(STDIN_FILENO) == 1 else { return nil }
        FileHandle.standardError.write(Data(prompt.utf8))
        var saved = termios()
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { return nil }
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        // Restore the terminal even if reading fails, or the user's shell stays without echo.
        guard tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent) == 0 else { return nil }
        defer {
            _ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return readLine(strippingNewline: true)
    }
}
