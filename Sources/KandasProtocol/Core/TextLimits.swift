/// The longest text each wire string accepts and the range of every count (sync-v1 §16).
///
/// Published here so a client checks before it sends: a server refuses a longer value with
/// `422 invalid_field` (or, inside an event payload, the event with `invalid_payload`), naming the
/// field. Lengths count characters (extended grapheme clusters, as Swift's `String.count`).
public enum TextLimits {
    /// Every count and size: integers are within 0 … 2^53−1 (sync-v1 §1 Numbers).
    public static let maxCount = 9_007_199_254_740_991
    /// `client_status.app_version`, enrollment `app_version`.
    public static let maxAppVersionChars = 64
    /// `client_status.last_error` (a §15 code or short text).
    public static let maxLastErrorChars = 500
    /// Enrollment `device_name`.
    public static let maxDeviceNameChars = 100
    /// `DeclaredFile.file_name` (display only).
    public static let maxFileNameChars = 255
    /// `complete.note`, `amend.changes.note`.
    public static let maxNoteChars = 4000
    /// `void.reason`, `resolve.comment`, review and conflict comments.
    public static let maxCommentChars = 2000
    /// Login `username` (users are created with 3-64 of `[a-z0-9._-]`).
    public static let maxUsernameChars = 64
    /// Login `password` (PBKDF2 input; longer adds nothing but work).
    public static let maxPasswordChars = 1024
    /// Names and other short admin texts (regions, centres, users, families, members, settlements).
    public static let maxNameChars = 200
    /// Other free admin texts (addresses, instructions, revoke reasons).
    public static let maxTextChars = 500

    /// Whether `text` holds no control character (U+0000-U+001F, U+007F): one-line display text.
    public static func isOneLine(_ text: String) -> Bool {
        !text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }
}
