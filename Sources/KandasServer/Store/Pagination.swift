import Crypto
import Foundation
import KandasProtocol
import KandasStore

/// Keyset pagination in creation (`rowid`) order with opaque tokens bound to their filters (Protocol §1.2).
///
/// A token is `p1.<rowid>.<first 16 hex of SHA-256 of the sorted filters>`, base64url-encoded.
/// Reusing it with other filters, or a corrupted one, is `400 invalid_page_token`.
struct Pagination {
    static let defaultLimit = 100
    static let maxLimit = 500

    var limit: Int
    var afterRowID: Int64
    var filterHash: String

    init(_ filters: [String: String]) throws(ServerError) {
        var rest = filters
        rest["limit"] = nil
        let token = rest.removeValue(forKey: "page_token")
        let canonical = rest.sorted { $0.key < $1.key }.map { $0.key + "=" + $0.value }.joined(separator: "&")
        filterHash = String(SHA256.hash(Array(canonical.utf8)).hex.prefix(16))
        if let text = filters["limit"] {
            guard let n = Int(text), (1...Self.maxLimit).contains(n) else {
                throw ServerError.field(.invalidParameter, "query:limit", "limit must be 1-\(Self.maxLimit)")
            }
            limit = n
        } else {
            limit = Self.defaultLimit
        }
        afterRowID = 0
        if let token {
            guard let decoded = Self.decode(token), decoded.hash == filterHash else {
                throw ServerError.field(
                    .invalidPageToken, "query:page_token", "page token is corrupt or for other filters")
            }
            afterRowID = decoded.rowid
        }
    }

    static func decode(_ token: String) -> (rowid: Int64, hash: String)? {
        var b64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.count % 4 != 0 { b64 += "=" }
        guard let data = Data(base64Encoded: b64), let text = String(data: data, encoding: .utf8) else { return nil }
        let parts = text.split(separator: ".")
        guard parts.count == 3, parts[0] == "p1", let rowid = Int64(parts[1]), rowid > 0 else { return nil }
        return (rowid, String(parts[2]))
    }

    func token(after rowid: Int64) -> String {
        SecureRandom.base64URL(Array("p1.\(rowid).\(filterHash)".utf8))
    }

    /// One page of `list` (whose select exposes its key as `_rowid`), mapped, with the token of
    /// the next page when more rows follow.
    func page<T: Sendable & Codable & Equatable>(
        _ db: any DatabaseConnection, _ list: ListQuery, direction: ListQuery.Direction = .oldestFirst,
        map: (DatabaseRow) throws -> T
    ) throws -> Page<T> {
        let (rows, next) = try list.page(db, after: afterRowID, limit: limit, direction: direction)
        return Page(items: try rows.map(map), nextPageToken: next.map(token(after:)))
    }
}
