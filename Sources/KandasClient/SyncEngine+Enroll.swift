import Foundation
import KandasProtocol
import SystemKit

extension SyncEngine {
    /// Enrollment (sync-v1 §2.2): checks the URL answers as a Kandas server (`GET /v1/limits`), then
    /// trades the one-time code for tokens, stored with mode 0600 before the store records the device.
    func enroll(serverURL: String, code: String, deviceName: String?) async throws(ClientError) -> Enrollment {
        let base = try Self.normalizedBaseURL(serverURL)
        let normalizedCode = code.uppercased().filter { $0 != "-" && $0 != " " }
        guard !normalizedCode.isEmpty,
            normalizedCode.allSatisfy({ ("A"..."Z").contains($0) || ("2"..."7").contains($0) })
        else {
            throw ClientError.invalid("code", "an enrollment code is base32 (letters A-Z and digits 2-7)")
        }
        let limitsResponse = try await send("reach \(base)", authenticated: false) {
            TransportRequest(method: "GET", url: base + "/v1/limits")
        }
        guard limitsResponse.status == 200,
            let limits = try? JSONCoding.decode(Limits.self, from: Data(limitsResponse.body))
        else {
            throw ClientError(
                .wrongServer,
                "\(base) answered HTTP \(limitsResponse.status) to /v1/limits: it is not a Kandas server; check the URL",
                status: limitsResponse.status)
        }
        let deviceUUID = try await store.installationID()
        let body = try Self.json(
            EnrollBody(
                code: normalizedCode, deviceUUID: deviceUUID, platform: options.platform,
                appVersion: options.appVersion, deviceName: deviceName))
        let key = UUID().uuidString.lowercased()
        let response = try await send("enroll", authenticated: false) {
            TransportRequest(
                method: "POST", url: base + "/v1/auth/enroll",
                headers: [(HeaderName.contentType, "application/json"), (HeaderName.idempotencyKey, key)],
                body: .bytes(body))
        }
        guard response.status == 200 else {
            let problem = Self.problem(response)
            switch problem?.errorCode {
            case .enrollmentCodeInvalid?:
                throw ClientError(
                    .enrollmentCodeInvalid, "the server does not know this code; check it or ask for a new one")
            case .enrollmentCodeExpired?:
                throw ClientError(.enrollmentCodeExpired, "the code expired; ask an administrator for a new one")
            case .enrollmentCodeUsed?:
                throw ClientError(.enrollmentCodeUsed, "the code was already used or revoked; ask for a new one")
            case nil:
                throw ClientError(
                    .wrongServer, "\(base) answered HTTP \(response.status) to enroll without a problem body",
                    status: response.status)
            default:
                throw ClientError.problem(problem, status: response.status, during: "enroll")
            }
        }
        let tokens = try Self.decode(TokenResponse.self, response, "enroll")
        let fresh = Credentials(tokens)
        let home = store.home
        do { try await Blocking.run { try fresh.save(home: home) } } catch { throw ClientError.wrap(error) }
        credentials = fresh
        let limitsText = String(decoding: limitsResponse.body, as: UTF8.self)
        _ = limits
        return try await store.recordEnrollment(
            serverURL: base, deviceID: tokens.deviceID, userID: tokens.userID, limits: limitsText)
    }

    /// `https://host[:port][/prefix]` without a trailing slash; no query, fragment or credentials.
    static func normalizedBaseURL(_ text: String) throws(ClientError) -> String {
        var base = text.trimmingCharacters(in: .whitespacesAndNewlines)
        while base.hasSuffix("/") { base.removeLast() }
        guard let url = URL(string: base), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty, url.query == nil, url.fragment == nil, url.user == nil
        else {
            throw ClientError.invalid("server_url", "\(text) is not a server URL like https://kandas.example.kz")
        }
        return base
    }
}

/// The `POST /v1/auth/enroll` body, field for field `KandasProtocol.EnrollRequest` (sync-v1 §2.2).
///
/// Encoded from this local mirror because the wire type's Swift initialiser is being renamed
/// (`deviceUuid` → `deviceUUID`) on the protocol branch; the JSON is identical, so once that branch
/// is merged this can become `EnrollRequest(code:deviceUUID:...)` again.
struct EnrollBody: Encodable {
    var code: String
    var deviceUUID: WireID
    var platform: Platform
    var appVersion: String
    var deviceName: String?

    enum CodingKeys: String, CodingKey {
        case code
        case deviceUUID = "device_uuid"
        case platform
        case appVersion = "app_version"
        case deviceName = "device_name"
    }
}
