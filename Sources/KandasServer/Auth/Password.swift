import Crypto
import Dispatch
import Foundation

/// Password hashing with PBKDF2-HMAC-SHA256 in the PHC-like form `$pbkdf2-sha256$i=N$<salt>$<hash>`.
///
/// The iteration count is stored with each hash so it can be raised later and so tests can
/// create users with fewer iterations. At most two hashes run at once: a login flood costs
/// bounded CPU (each hash takes about 0.3 s at 600 000 iterations) instead of starving the
/// handler pool.
enum Password {
    static let saltBytes = 16
    static let hashBytes = 32
    /// Bounds concurrent hashing; handler threads may block here (never the cooperative pool).
    private static let gate = DispatchSemaphore(value: 2)

    /// Hashes `password` with a new random salt.
    static func hash(_ password: String, iterations: Int) -> String {
        let salt = SecureRandom.bytes(saltBytes)
        let key = derive(password, salt: salt, iterations: iterations)
        return "$pbkdf2-sha256$i=\(iterations)$" + Data(salt).base64EncodedString() + "$"
            + Data(key).base64EncodedString()
    }

    /// Whether `password` matches `stored`; a malformed stored hash never matches.
    static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0].isEmpty, parts[1] == "pbkdf2-sha256", parts[2].hasPrefix("i="),
            let iterations = Int(parts[2].dropFirst(2)), iterations >= 1000, iterations <= 10_000_000,
            let salt = Data(base64Encoded: String(parts[3])), let expected = Data(base64Encoded: String(parts[4])),
            expected.count == hashBytes
        else { return false }
        let key = derive(password, salt: [UInt8](salt), iterations: iterations)
        return constantTimeEqual(key, [UInt8](expected))
    }

    /// A hash that never verifies, used to spend the same time on unknown usernames.
    static func dummyVerify(_ password: String, iterations: Int) {
        _ = derive(password, salt: [UInt8](repeating: 0, count: saltBytes), iterations: iterations)
    }

    private static func derive(_ password: String, salt: [UInt8], iterations: Int) -> [UInt8] {
        gate.wait()
        defer { gate.signal() }
        return PBKDF2.sha256(password: Array(password.utf8), salt: salt, iterations: iterations, keyLength: hashBytes)
    }
}
