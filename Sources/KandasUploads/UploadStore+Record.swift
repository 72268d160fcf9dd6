import Foundation
import KandasProtocol
import KandasStore

/// One row of `tus_uploads`.
struct UploadRecord: Sendable {
    var id: String
    var owner: String
    var attachmentID: WireID
    var length: Int64
    var offset: Int64
    var sha256: String
    var contentType: String
    var kind: FileKind
    var filename: String?
    var metadataHeader: String
    var state: UploadState
    /// Milliseconds since the Unix epoch.
    var createdAt: Int64
    var updatedAt: Int64
    var expiresAt: Int64?
    var verifiedAt: Int64?

    static let columns =
        "upload_id, owner, attachment_id, length, \"offset\", sha256, content_type, kind, filename, metadata, state, "
        + "created_at, updated_at, expires_at, verified_at"

    init(
        id: String, owner: String, metadata: UploadMetadata, metadataHeader: String, length: Int64, now: Int64,
        expiresAt: Int64
    ) {
        self.id = id
        self.owner = owner
        attachmentID = metadata.attachmentID
        self.length = length
        offset = 0
        sha256 = metadata.sha256
        contentType = metadata.contentType
        kind = metadata.kind
        filename = metadata.filename
        self.metadataHeader = metadataHeader
        state = .receiving
        createdAt = now
        updatedAt = now
        self.expiresAt = expiresAt
        verifiedAt = nil
    }

    init(row: DatabaseRow) throws {
        id = try row.string("upload_id")
        owner = try row.string("owner")
        guard let attachment = WireID(try row.string("attachment_id")),
            let kind = FileKind(rawValue: try row.string("kind")),
            let state = UploadState(rawValue: try row.string("state"))
        else {
            throw UploadError(.internalError, detail: nil, operation: "decode tus_uploads row")
        }
        attachmentID = attachment
        length = try row.int("length")
        offset = try row.int("offset")
        sha256 = try row.string("sha256")
        contentType = try row.string("content_type")
        self.kind = kind
        filename = row.optionalString("filename")
        metadataHeader = try row.string("metadata")
        self.state = state
        createdAt = try row.int("created_at")
        updatedAt = try row.int("updated_at")
        expiresAt = row.optionalInt("expires_at")
        verifiedAt = row.optionalInt("verified_at")
    }

    /// Receiving, but past its `Upload-Expires`.
    func isExpired(at now: Int64) -> Bool {
        state == .receiving && (expiresAt.map { now >= $0 } ?? false)
    }

    func status(replayed: Bool = false) -> UploadStatus {
        UploadStatus(
            uploadID: id, attachmentID: attachmentID, length: length, offset: state == .verified ? length : offset,
            state: state, expiresAt: state == .receiving ? expiresAt.map(Self.date) : nil,
            metadataHeader: metadataHeader, replayed: replayed)
    }

    static func date(_ millis: Int64) -> Date { Date(timeIntervalSince1970: Double(millis) / 1000) }
    static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }

    // MARK: SQL

    static func load(_ id: String, _ db: any DatabaseConnection) throws -> UploadRecord? {
        try db.queryOne("SELECT \(columns) FROM tus_uploads WHERE upload_id = ?", id).map(UploadRecord.init(row:))
    }

    static func live(owner: String, attachmentID: WireID, _ db: any DatabaseConnection) throws -> UploadRecord? {
        try db.queryOne(
            "SELECT \(columns) FROM tus_uploads WHERE owner = ? AND attachment_id = ? "
                + "AND state IN ('receiving', 'verified')", owner, attachmentID.description
        ).map(UploadRecord.init(row:))
    }

    func insert(_ db: any DatabaseConnection) throws {
        try db.run(
            "INSERT INTO tus_uploads(\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", id, owner,
            attachmentID.description, length, offset, sha256, contentType, kind.rawValue, filename, metadataHeader,
            state.rawValue, createdAt, updatedAt, expiresAt, verifiedAt)
    }
}
