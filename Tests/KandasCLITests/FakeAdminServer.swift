import Foundation
import KandasClient
import KandasProtocol

/// A scripted admin API: answers "METHOD /path" with a canned response and records every request.
actor FakeAdminServer: Transport {
    static let base = "http://admin.test"

    struct Recorded: Sendable {
        var method: String
        var path: String
        var query: [String: String]
        var headers: [(name: String, value: String)]
        var body: [UInt8]

        func header(_ name: String) -> String? {
            headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }

        var bodyText: String { String(decoding: body, as: UTF8.self) }
    }

    var routes: [String: [TransportResponse]] = [:]
    var requests: [Recorded] = []
    /// The next N requests fail with a lost connection before any answer.
    var dropNext = 0

    /// Answers `key` ("GET /v1/admin/users") with `responses` in turn (the last one repeats).
    func route(_ key: String, _ responses: TransportResponse...) { routes[key] = responses }

    func dropping(_ count: Int) { dropNext = count }

    func send(
        _ request: TransportRequest, progress: (@Sendable (TransferProgress) -> Void)?
    ) async throws(TransportError) -> TransportResponse {
        let components = URLComponents(string: request.url)
        let path = components?.path ?? ""
        var query: [String: String] = [:]
        for item in components?.queryItems ?? [] { query[item.name] = item.value ?? "" }
        var body: [UInt8] = []
        if case .bytes(let bytes) = request.body { body = bytes }
        requests.append(
            Recorded(method: request.method, path: path, query: query, headers: request.headers, body: body))
        if dropNext > 0 {
            dropNext -= 1
            throw .connectionLost("dropped by the test")
        }
        let key = request.method + " " + path
        guard var queue = routes[key], let first = queue.first else {
            return Self.problem(404, "not_found", "no route \(key)")
        }
        if queue.count > 1 {
            queue.removeFirst()
            routes[key] = queue
        }
        return first
    }

    static func json<T: Encodable>(_ value: T, status: Int = 200) -> TransportResponse {
        TransportResponse(
            status: status, headers: [("Content-Type", "application/json")],
            body: [UInt8]((try? JSONCoding.encode(value)) ?? Data()))
    }

    static func problem(
        _ status: Int, _ code: String, _ detail: String, errors: [FieldError]? = nil
    )
        -> TransportResponse
    {
        let problem = Problem(
            type: "urn:kandas:problem:" + code, title: code.replacingOccurrences(of: "_", with: " "), status: status,
            code: code, detail: detail, errors: errors)
        return TransportResponse(
            status: status, headers: [("Content-Type", "application/problem+json")],
            body: [UInt8]((try? JSONCoding.encode(problem)) ?? Data()))
    }

    static let now = Timestamp(millisecondsSince1970: 1_795_000_000_000)

    static func user(_ name: String, role: UserRole = .fieldWorker) -> User {
        User(
            id: .random(), username: name, displayName: name.capitalized, role: role, careerCentreID: .random(),
            active: true, version: 1, createdAt: now, updatedAt: now)
    }
}
