import Foundation
import KandasProtocol

@testable import KandasClient

/// A scripted in-memory Kandas server implementing just enough of sync-v1 for the client's tests:
/// limits, enroll, refresh, push, pull, tus create/HEAD/PATCH, with fault injection.
actor FakeServer: Transport {
    static let base = "http://fake.test"
    static let goodCode = "AAAABBBBCCCCDDDDEEEEFFFFGG"
    static let expiredCode = "EXPIREDEXPIREDEXPIREDEXPIR"
    static let usedCode = "USEDUSEDUSEDUSEDUSEDUSEDUS"
    static let clock = Timestamp(millisecondsSince1970: 1_795_000_000_000)

    // Server state.
    var families: [WireID: Family] = [:]
    var members: [WireID: Member] = [:]
    var plans: [WireID: Plan] = [:]
    var items: [WireID: PlanItem] = [:]
    var completions: [WireID: Completion] = [:]
    var conflicts: [WireID: Conflict] = [:]
    var receipts: [WireID: Receipt] = [:]
    var outcomes: [WireID: EventResult] = [:]
    var log: [(seq: Int, entity: ChangeEntity, id: WireID)] = []
    var changeSeq = 0
    var epoch = 1

    // The one device.
    var deviceID: WireID?
    let userID = WireID.random()
    var accessToken: String?
    var refreshToken: String?
    var tokenSerial = 0
    var revoked = false
    var lastDeviceSeq = 0
    var eventsBySeq: [Int: EventResult] = [:]
    var storedEvents: [WireID: DeviceEvent] = [:]
    var enrollments = 0

    // Uploads.
    struct Upload {
        var attachmentID: WireID
        var length: Int64
        var sha256: String
        var bytes: [UInt8] = []
        var verified = false
        var expired = false
    }
    var uploads: [String: Upload] = [:]
    var declared: [WireID: (file: DeclaredFile, completionID: WireID)] = [:]

    // Faults, each consumed when it fires.
    var unavailableNext = 0
    var expireAccessTokenNext = false
    /// "METHOD /path" prefixes whose next request is applied, then its response lost.
    var dropResponseAfterApply: [String] = []
    /// PATCH number `index` (1-based) is cut after `after` body bytes (nothing of it is stored: it carries a checksum).
    var cutPatch: (index: Int, after: Int64)?
    var patches = 0
    var withholdReceipts = false
    /// Answer the next PATCH with 409 and the stored offset, as if another request had moved it.
    var mismatchNextPatch = false
    /// The push batch limit this server enforces (413 batch_too_large above it).
    var maxPushEvents = 500
    var reviews: [WireID: Review] = [:]
    /// Answer /v1/limits like a web server that is not Kandas.
    var notKandas = false
    var corruptNextChunks = 0
    var expireUploadsNext = false
    var maxChunk: Int64 = 16 << 20
    var connectionRefused = false

    // Counters.
    var requests: [String] = []
    var patchBytesSent: Int64 = 0
    var refreshes = 0
    var pushedEvents = 0

    func configure(_ body: @Sendable (isolated FakeServer) -> Void) { body(self) }

    // MARK: Transport

    func send(
        _ request: TransportRequest, progress: (@Sendable (TransferProgress) -> Void)?
    ) async throws(TransportError) -> TransportResponse {
        guard !connectionRefused else { throw .couldNotConnect("refused") }
        guard request.url.hasPrefix(Self.base) else { throw .couldNotResolveHost(request.url) }
        let components = URLComponents(string: request.url)
        let path = components?.path ?? ""
        let key = request.method + " " + path
        requests.append(key)
        if unavailableNext > 0, path != "/v1/limits" {
            unavailableNext -= 1
            return problem(503, .unavailable, headers: [("Retry-After", "7")])
        }
        let body: [UInt8]
        switch request.body {
        case .none: body = []
        case .bytes(let bytes): body = bytes
        case .file(let path, let offset, let length): body = Self.read(path, offset, length)
        }
        var response: TransportResponse
        switch (request.method, path) {
        case ("GET", "/v1/limits") where notKandas:
            response = TransportResponse(status: 404, body: Array("<html>".utf8))
        case ("GET", "/v1/limits"): response = TransportResponse(status: 200, body: Array(Self.limitsJSON.utf8))
        case ("POST", "/v1/auth/enroll"): response = enroll(body)
        case ("POST", "/v1/auth/refresh"): response = refresh(body)
        default:
            if let denied = authenticate(request) { return denied }
            switch (request.method, path) {
            case ("POST", "/v1/sync/push"): response = push(body)
            case ("GET", "/v1/sync/pull"):
                let query = components?.queryItems ?? []
                response = pull(
                    cursor: query.first { $0.name == "cursor" }?.value,
                    limit: Int(query.first { $0.name == "limit" }?.value ?? "") ?? 500)
            case ("POST", "/v1/uploads"): response = createUpload(request)
            case ("HEAD", _) where path.hasPrefix("/v1/uploads/"): response = head(String(path.dropFirst(12)))
            case ("PATCH", _) where path.hasPrefix("/v1/uploads/"):
                patches += 1
                if let cut = cutPatch, cut.index == patches {
                    cutPatch = nil
                    let sent = min(cut.after, Int64(body.count))
                    patchBytesSent += sent
                    progress?(TransferProgress(bytesSent: sent, bytesToSend: Int64(body.count), bytesReceived: 0))
                    throw .connectionLost("cut after \(sent) bytes")
                }
                patchBytesSent += Int64(body.count)
                progress?(
                    TransferProgress(bytesSent: Int64(body.count), bytesToSend: Int64(body.count), bytesReceived: 0))
                response = patch(String(path.dropFirst(12)), request, body)
            default: response = problem(404, .notFound)
            }
        }
        if case .bytes(let bytes) = request.body { response.bytesSent = Int64(bytes.count) }
        if case .file(_, _, let length) = request.body { response.bytesSent = length }
        if let index = dropResponseAfterApply.firstIndex(where: { key.hasPrefix($0) }) {
            dropResponseAfterApply.remove(at: index)
            throw .connectionLost("response lost after the server applied \(key)")
        }
        return response
    }

    // MARK: Auth

    func authenticate(_ request: TransportRequest) -> TransportResponse? {
        let header = request.headers.first { $0.name == HeaderName.authorization }?.value
        if revoked { return problem(401, .deviceRevoked) }
        guard let accessToken, header == "Bearer " + accessToken else { return problem(401, .unauthenticated) }
        if expireAccessTokenNext {
            expireAccessTokenNext = false
            return problem(401, .tokenExpired)
        }
        return nil
    }

    func enroll(_ body: [UInt8]) -> TransportResponse {
        guard let request = try? JSONCoding.decodeStrict(EnrollRequest.self, from: Data(body)) else {
            return problem(422, .invalidField)
        }
        switch request.code {
        case Self.goodCode: break
        case Self.expiredCode: return problem(410, .enrollmentCodeExpired)
        case Self.usedCode: return problem(410, .enrollmentCodeUsed)
        default: return problem(401, .enrollmentCodeInvalid)
        }
        enrollments += 1
        deviceID = WireID.random()
        lastDeviceSeq = 0
        eventsBySeq = [:]
        revoked = false
        epoch += 1
        return json(200, issueTokens())
    }

    func refresh(_ body: [UInt8]) -> TransportResponse {
        guard let request = try? JSONCoding.decodeStrict(RefreshRequest.self, from: Data(body)) else {
            return problem(422, .invalidField)
        }
        if revoked { return problem(401, .deviceRevoked) }
        guard request.refreshToken == refreshToken else { return problem(401, .refreshTokenReused) }
        refreshes += 1
        return json(200, issueTokens())
    }

    func issueTokens() -> TokenResponse {
        tokenSerial += 1
        accessToken = "kda_test\(tokenSerial)"
        refreshToken = "kdr_test\(tokenSerial)"
        return TokenResponse(
            deviceID: deviceID!, userID: userID, tokenType: "Bearer", accessToken: accessToken!,
            accessExpiresAt: Self.clock, refreshToken: refreshToken!, refreshExpiresAt: Self.clock)
    }

    // MARK: Helpers

    func json<T: Encodable>(
        _ status: Int, _ value: T, headers: [(name: String, value: String)] = []
    ) -> TransportResponse {
        TransportResponse(status: status, headers: headers, body: [UInt8](try! JSONCoding.encode(value)))
    }

    func problem(
        _ status: Int, _ code: ErrorCode, headers: [(name: String, value: String)] = [], offset: Int? = nil
    )
        -> TransportResponse
    {
        var value = Problem(code, detail: "fake server")
        value.status = status
        value.uploadOffset = offset
        return json(status, value, headers: headers)
    }

    func record(_ entity: ChangeEntity, _ id: WireID) {
        changeSeq += 1
        log.append((changeSeq, entity, id))
    }

    static func read(_ path: String, _ offset: Int64, _ length: Int64) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        try? handle.seek(toOffset: UInt64(offset))
        return [UInt8]((try? handle.read(upToCount: Int(length))) ?? Data())
    }

    static let limitsJSON = """
        {"protocol_version":1,"features":[],"max_header_bytes":16384,"max_header_count":100,
        "max_json_body_bytes":1048576,"max_push_body_bytes":4194304,"max_push_events":500,
        "max_import_body_bytes":16777216,"max_import_rows":50000,"max_pull_limit":1000,"default_pull_limit":500,
        "max_page_limit":500,"default_page_limit":100,"max_file_bytes":4294967296,"max_chunk_bytes":16777216,
        "recommended_chunk_bytes":8388608,"max_files_per_completion":50,"max_note_chars":4000,
        "max_open_uploads_per_device":8,"upload_expiry_s":604800,"upload_max_age_s":2592000,
        "access_token_ttl_s":3600,"refresh_token_ttl_s":7776000,"refresh_token_max_age_s":31536000,
        "refresh_grace_s":600,"enrollment_code_ttl_s":900,"enrollment_code_max_ttl_s":259200,
        "session_ttl_s":28800,"session_idle_s":1800,"idempotency_retention_s":2592000}
        """
}
