import Foundation
import KandasProtocol

/// The device's tokens, kept in `credentials.json` beside the store with mode 0600.
///
/// - Important: tokens are secrets: `description` hides them, and nothing logs this value.
struct Credentials: Codable, Sendable, CustomStringConvertible {
    var deviceID: WireID
    var userID: WireID
    var accessToken: String
    var accessExpiresAt: Timestamp
    var refreshToken: String
    var refreshExpiresAt: Timestamp

    init(_ response: TokenResponse) {
        deviceID = response.deviceID
        userID = response.userID
        accessToken = response.accessToken
        accessExpiresAt = response.accessExpiresAt
        refreshToken = response.refreshToken
        refreshExpiresAt = response.refreshExpiresAt
    }

    var description: String { "Credentials(device: \(deviceID), tokens: <redacted>)" }

    static func path(home: String) -> String { home + "/credentials.json" }

    static func load(home: String) throws(ClientError) -> Credentials? {
        let path = path(home: home)
        guard FileIO.exists(path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ClientError(.storage, "cannot read \(path)")
        }
        do {
            return try JSONCoding.decode(Credentials.self, from: data)
        } catch {
            throw ClientError(.storage, "\(path) is damaged; enroll again")
        }
    }

    func save(home: String) throws(ClientError) {
        let data: Data
        do { data = try JSONCoding.encode(self) } catch { throw ClientError.wrap(error) }
        try FileIO.writeSecret([UInt8](data), to: Self.path(home: home))
    }
}
