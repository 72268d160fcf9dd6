import Crypto
import Foundation
import HTTPServer
import KandasProtocol
import KandasStore

/// Everything a handler needs for one request: the app, the request, the authenticated principal
/// and the time, plus helpers for strict bodies, query filters and idempotent writes.
struct RequestContext {
    let app: KandasApp
    let request: HTTPRequest
    let endpoint: Endpoint
    let principal: Principal?
    let now: Int64

    /// The client's address: the socket peer, or with `--trust-proxy` the last `X-Forwarded-For` entry.
    var remoteAddress: String { Self.clientAddress(request, trustProxy: app.config.trustProxy) }

    /// The client's address of a request (shared with the console).
    static func clientAddress(_ request: HTTPRequest, trustProxy: Bool) -> String {
        guard trustProxy, let forwarded = request.headers["X-Forwarded-For"],
            let last = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces),
            (1...64).contains(last.count), last.allSatisfy({ $0.isHexDigit || $0 == "." || $0 == ":" })
        else { return request.remoteAddress }
        return last
    }

    /// The authenticated principal; endpoints that are not `.open` always have one.
    var actor: Principal {
        guard let principal else { preconditionFailure("handler of an authenticated endpoint without principal") }
        return principal
    }

    /// A path parameter that must be a lowercase UUID; anything else is `404 not_found` (no such object).
    func id(_ name: String) throws(ServerError) -> String {
        guard let raw = request.parameter(name), WireID(raw) != nil else {
            throw ServerError(.notFound, "no such \(name == "id" ? "object" : name)")
        }
        return raw
    }

    /// Decodes the JSON body strictly: unknown fields, wrong types and missing fields are 422 with a pointer.
    /// A string holding U+0000 is 422 `invalid_field`: PostgreSQL text cannot keep it (it was a 500
    /// there), and both engines answer the same.
    func body<T: Codable>(_ type: T.Type) throws(ServerError) -> T {
        try requireJSONContentType()
        let bytes = request.bodyBytes
        let value: T
        do {
            value = try JSONCoding.decodeStrict(type, from: Data(bytes))
        } catch {
            throw ServerError(error)
        }
        if Self.holdsEscapedNUL(bytes) {
            throw ServerError(.invalidField, "a string of the body contains U+0000, which no text field may hold")
        }
        return value
    }

    /// Whether valid JSON text holds U+0000 in a string: only the escape `\u0000` can (a raw NUL byte is
    /// not JSON), and escapes are read in pairs, so `\\u0000` (a backslash, then "u0000") is not one.
    static func holdsEscapedNUL(_ bytes: [UInt8]) -> Bool {
        var i = 0
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: "\\") else {
                i += 1
                continue
            }
            if i + 5 < bytes.count, bytes[i + 1] == UInt8(ascii: "u"), bytes[i + 2] == UInt8(ascii: "0"),
                bytes[i + 3] == UInt8(ascii: "0"), bytes[i + 4] == UInt8(ascii: "0"), bytes[i + 5] == UInt8(ascii: "0")
            {
                return true
            }
            i += 2
        }
        return false
    }

    func requireJSONContentType() throws(ServerError) {
        let type = (request.headers["Content-Type"] ?? "").split(separator: ";").first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        guard type == "application/json" else {
            throw ServerError(.unsupportedMediaType, "the body must be application/json")
        }
    }

    /// The query parameters, after refusing unknown names and repeated ones (`400 invalid_parameter`).
    ///
    /// `limit` and `page_token` are always allowed (Protocol §1.2).
    func filters(_ allowed: Set<String>) throws(ServerError) -> [String: String] {
        var out: [String: String] = [:]
        for item in request.query {
            guard allowed.contains(item.name) || item.name == "limit" || item.name == "page_token" else {
                throw ServerError.field(.invalidParameter, "query:" + item.name, "unknown query parameter")
            }
            guard out[item.name] == nil else {
                throw ServerError.field(.invalidParameter, "query:" + item.name, "repeated query parameter")
            }
            out[item.name] = item.value ?? ""
        }
        return out
    }

    /// A filter that must be a UUID when present.
    func uuidFilter(_ filters: [String: String], _ name: String) throws(ServerError) -> String? {
        guard let value = filters[name] else { return nil }
        guard WireID(value) != nil else {
            throw ServerError.field(.invalidParameter, "query:" + name, "expected a lowercase UUID")
        }
        return value
    }

    /// Runs a read on a reader connection.
    func read<T>(_ body: (any DatabaseConnection) throws -> T) throws -> T { try app.database.readSync(body) }

    /// Runs `work` in one write transaction together with its `Idempotency-Key` record (Protocol §1.3).
    ///
    /// A replay with the same body returns the stored reply with `Idempotent-Replayed: true`; the
    /// same key with another body is `422 idempotency_key_reused`. A ``ServerError`` thrown by
    /// `work` rolls back the work (a savepoint) but its problem reply is stored and replayed too,
    /// except 401/403/404 (decided before any work, nothing worth remembering) and 5xx.
    /// - Parameters:
    ///   - actor: the idempotency scope; defaults to the principal (enroll and refresh pass the
    ///     SHA-256 of the presented secret).
    ///   - sealKey: for answers that carry tokens (enroll, refresh): the presented secret. The stored
    ///     body is sealed with it, so the store never holds a usable token, and only a retry that
    ///     presents the same secret can open the replay.
    func write(
        actor: String? = nil, sealKey: [UInt8]? = nil, _ work: (any DatabaseConnection) throws -> APIReply
    ) throws
        -> HTTPResponse
    {
        let key = try idempotencyKey()
        let scope = actor ?? principal?.actorKey ?? "anonymous"
        let bodyHash = SHA256.hash(request.bodyBytes).hex
        let method = request.method.rawValue
        let path = request.path
        let instance = request.path
        let requestID = request.requestID
        let (reply, replayed): (APIReply, Bool) = try app.database.writeSync { db in
            if let row = try IdempotencyStore.find(db, actor: scope, method: method, path: path, key: key) {
                guard row.bodySHA256 == bodyHash else {
                    let error = ServerError(.idempotencyKeyReused, "this Idempotency-Key was used with another body")
                    return (APIReply.problem(error, instance: instance, requestID: requestID), false)
                }
                let headers =
                    (try? JSONDecoder().decode([String: String].self, from: Data(row.headersJSON.utf8))) ?? [:]
                let body = row.body
                let stored = APIReply(
                    status: row.status, contentType: row.contentType,
                    body: Data(sealKey.map { Tokens.stream(body, key: $0) } ?? body), headers: headers)
                return (stored, true)
            }
            var reply: APIReply
            do {
                reply = try db.transaction { try work(db) }
            } catch let error as ServerError {
                reply = APIReply.problem(error, instance: instance, requestID: requestID)
            }
            if ![401, 403, 404].contains(reply.status) && reply.status < 500 {
                let headers = String(decoding: try JSONCoding.encode(reply.headers), as: UTF8.self)
                try IdempotencyStore.save(
                    db, actor: scope, method: method, path: path, key: key,
                    IdempotencyStore.Stored(
                        bodySHA256: bodyHash, status: reply.status, contentType: reply.contentType,
                        headersJSON: headers,
                        body: sealKey.map { Tokens.stream([UInt8](reply.body), key: $0) } ?? [UInt8](reply.body)),
                    now: now)
            }
            return (reply, false)
        }
        return reply.response(requestID: requestID, replayed: replayed)
    }

    /// The `Idempotency-Key` header: 1-64 of `[A-Za-z0-9_-]`, optionally in structured-field quotes.
    func idempotencyKey() throws(ServerError) -> String {
        guard var key = request.headers["Idempotency-Key"] else {
            throw ServerError(.idempotencyKeyMissing, "unsafe requests need an Idempotency-Key header")
        }
        if key.count >= 2, key.hasPrefix("\""), key.hasSuffix("\"") { key = String(key.dropFirst().dropLast()) }
        let allowed = key.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2D
                || c == 0x5F
        }
        guard (1...64).contains(key.utf8.count), allowed else {
            throw ServerError.field(.invalidParameter, "header:Idempotency-Key", "1-64 characters of [A-Za-z0-9_-]")
        }
        return key
    }

    /// Appends an audit entry for this request in the current write transaction.
    func audit(
        _ db: any DatabaseConnection, _ action: String, entityType: String, entityID: String?, summary: String? = nil
    ) throws {
        try AuditLog.append(
            db, at: now, actor: principal, action: action, entityType: entityType, entityID: entityID,
            remoteAddr: remoteAddress, requestID: request.requestID, summary: summary)
    }

    /// A JSON reply for a read (not stored anywhere).
    func json<T: Encodable>(_ value: T, status: Int = 200) throws -> HTTPResponse {
        try APIReply.json(value, status: status).response(requestID: request.requestID)
    }
}
