import Foundation
public import KandasProtocol
import SystemKit

/// An administrator's login kept in the home folder (`admin-session.json`, mode 0600) between commands.
///
/// Holds the bearer token, so it is written owner-only through a temporary file and a rename, and is
/// never printed or logged. `kandas admin logout` revokes it on the server and deletes the file.
public struct AdminSession: Sendable, Codable, Equatable {
    /// The server's base URL (without `/v1`).
    public var serverURL: String
    /// The bearer token (`kua_...`).
    public var accessToken: String
    /// When the server ends the session regardless of activity.
    public var expiresAt: Timestamp
    /// Who logged in.
    public var username: String
    /// Their role.
    public var role: UserRole

    /// Creates a session.
    public init(serverURL: String, accessToken: String, expiresAt: Timestamp, username: String, role: UserRole) {
        self.serverURL = serverURL
        self.accessToken = accessToken
        self.expiresAt = expiresAt
        self.username = username
        self.role = role
    }

    enum CodingKeys: String, CodingKey {
        case serverURL = "server_url"
        case accessToken = "access_token"
        case expiresAt = "expires_at"
        case username, role
    }

    /// The file inside `home`.
    public static func path(home: String) -> String { home + "/admin-session.json" }

    /// The stored session, or `nil` when there is none.
    ///
    /// - Throws: `CLIError.runtime` when the file exists but cannot be read or parsed.
    public static func load(home: String) throws(CLIError) -> AdminSession? {
        let path = path(home: home)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path),
            let session = try? JSONCoding.decode(AdminSession.self, from: data)
        else {
            throw .runtime("\(path) is damaged", hint: "run kandas admin login again")
        }
        return session
    }

    /// Writes the session owner-only (0600), replacing any previous one atomically.
    ///
    /// - Throws: `CLIError.runtime` when the home folder cannot be created or written.
    public func save(home: String) throws(CLIError) {
        do {
            try FileManager.default.createDirectory(
                atPath: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try DurableFile.write([UInt8](try JSONCoding.encode(self)), to: Self.path(home: home), permissions: 0o600)
        } catch {
            throw .runtime("cannot save the session in \(home): \(error)", hint: "check that the folder is writable")
        }
    }

    /// Deletes the stored session.
    public static func delete(home: String) {
        try? FileManager.default.removeItem(atPath: path(home: home))
    }
}
