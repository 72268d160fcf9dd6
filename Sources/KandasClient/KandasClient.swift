public import KandasProtocol
public import Log
import SystemKit

/// The client core a phone app or the `kandas` CLI links: a local store, offline recording, and sync.
///
/// ```swift
/// let client = try await KandasClient.open(home: "~/.kandas", transport: CurlTransport())
/// try await client.enroll(payload: "kandas1:https://kandas.example.kz#K7QJ...")
/// try await client.sync()
/// let item = try await client.items(filter: ItemFilter(status: .open)).first!
/// try await client.complete(CompletionDraft(itemID: item.item.id, performedAt: .now(), files: [...]))
/// try await client.sync { print($0) }
/// ```
///
/// Everything the user sees is the **view**: the mirror (server state from pull) with the pending outbox
/// folded over it, so work recorded offline shows at once and survives a `reset` of the mirror.
/// Blocking SQLite and file work runs on dedicated queues, never on Swift's cooperative pool.
/// See `Protocol/sync-v1.md` for the contract this implements.
public final class KandasClient: Sendable {
    /// The store folder the app or CLI chose.
    public let home: String
    let store: ClientStore
    let engine: SyncEngine
    let options: ClientOptions
    let logger: Logger

    init(store: ClientStore, engine: SyncEngine, options: ClientOptions, logger: Logger) {
        self.home = store.home
        self.store = store
        self.engine = engine
        self.options = options
        self.logger = logger
    }

    /// Opens the store in `home` (creating the folder with mode 0700 and migrating the database).
    ///
    /// - Throws: `ClientError.storage` when the folder or database cannot be opened.
    public static func open(
        home: String, transport: any Transport, options: ClientOptions = ClientOptions(), logger: Logger = .disabled
    ) async throws(ClientError) -> KandasClient {
        let store: ClientStore
        do {
            store = try await Blocking.run { try ClientStore(home: home) }
        } catch {
            throw ClientError.wrap(error)
        }
        let engine = SyncEngine(store: store, transport: transport, options: options, logger: logger)
        return KandasClient(store: store, engine: engine, options: options, logger: logger)
    }

    /// Closes the store; later calls fail with `storage`.
    public func close() { store.close() }

    // MARK: Enrollment

    /// Enrolls this installation with a one-time code (sync-v1 §2.2) and stores the tokens (mode 0600).
    ///
    /// Re-enrolling (after `reEnrollRequired`) keeps everything local: unsent events move to the new
    /// device with fresh `device_seq` numbers and unchanged event ids, so nothing duplicates.
    /// - Throws: `enrollmentCodeInvalid`, `enrollmentCodeExpired`, `enrollmentCodeUsed`, `wrongServer`
    ///   (the URL answers but not as a Kandas server), `network`, `invalidInput` (malformed URL or code).
    @discardableResult
    public func enroll(
        serverURL: String, code: String, deviceName: String? = nil
    ) async throws(ClientError)
        -> Enrollment
    {
        try await engine.enroll(serverURL: serverURL, code: code, deviceName: deviceName)
    }

    /// Enrolls from a QR payload `kandas1:<base-url>#<code>`.
    @discardableResult
    public func enroll(payload: String, deviceName: String? = nil) async throws(ClientError) -> Enrollment {
        let parsed: EnrollmentPayload
        do {
            parsed = try EnrollmentPayload(parsing: payload)
        } catch {
            throw ClientError.invalid("payload", "not an enrollment payload: expected kandas1:<base-url>#<code>")
        }
        return try await enroll(serverURL: parsed.baseURL, code: parsed.code, deviceName: deviceName)
    }

    /// The current enrollment, or `nil` before the first one.
    public func enrollment() async throws(ClientError) -> Enrollment? {
        try await store.enrollment()
    }

    // MARK: Views

    /// Families in scope with their members.
    public func families() async throws(ClientError) -> [FamilyView] {
        try await store.snapshot().familyViews()
    }

    /// Plan items in the local view matching `filter`.
    public func items(filter: ItemFilter = ItemFilter()) async throws(ClientError) -> [ItemView] {
        try await store.snapshot().itemViews().filter(filter.matches)
    }

    /// One plan item of the view.
    public func item(_ id: WireID) async throws(ClientError) -> ItemView? {
        try await store.snapshot(itemID: id).itemViews().first
    }

    /// Open conflicts in scope, and whether a resolve is already on its way.
    ///
    /// Reads only the conflicts and the unreflected resolves, never the whole mirror: `kandas sync` counts
    /// conflicts after every sync, and loading a 10,000-completion mirror for that was the client's peak RSS.
    public func conflicts() async throws(ClientError) -> [Inbox.ConflictEntry] {
        try await store.openConflicts()
    }

    /// Conflicts, reviews asking for changes and rejected events.
    ///
    /// Reads only what it shows (conflicts, resolves, completions under `has_issues`/`rejected` and their
    /// reviews), not the whole mirror, so `kandas conflicts` on a device with 10,000 completions stays small.
    public func inbox() async throws(ClientError) -> Inbox {
        let (conflicts, reviews) = try await store.attention()
        return Inbox(conflicts: conflicts, reviews: reviews, quarantined: try await quarantined())
    }

    /// Events the server rejected, oldest first.
    public func quarantined() async throws(ClientError) -> [QuarantinedEvent] {
        try await store.quarantined()
    }

    /// Receipts for completions with files from this device (sync-v1 §11), newest first.
    public func receipts() async throws(ClientError) -> [Receipt] {
        try await store.snapshot().receipts.sorted { $0.issuedAt > $1.issuedAt }
    }

    /// Files captured on this device, in capture order.
    public func files() async throws(ClientError) -> [LocalFile] {
        try await store.snapshot().files
    }

    /// Outbox, uploads and sync health at a glance.
    public func status() async throws(ClientError) -> ClientSummary {
        try await store.summary()
    }

    // MARK: Sync

    /// Pushes the outbox, pulls every page, uploads files of accepted events through tus, pulls receipts
    /// and frees verified files per the keep-policy (sync-v1 §5 sync loop).
    ///
    /// Transient failures are retried with backoff inside the call; what is still failing is recorded
    /// as `status().lastError` and thrown. Nothing local is ever dropped.
    /// - Throws: `notEnrolled`, `reEnrollRequired` (device or tokens revoked: enroll again, data kept),
    ///   `network`, `server`, `outboxDiverged`, `storage`.
    @discardableResult
    public func sync(progress: (@Sendable (SyncProgress) -> Void)? = nil) async throws(ClientError) -> SyncReport {
        try await engine.sync(progress: progress ?? { _ in })
    }

    /// Wipes the mirror and the pull cursor (the outbox and files stay); the next `sync` pulls a full snapshot.
    public func reset() async throws(ClientError) {
        try await store.resetMirror()
    }

    /// Deletes local copies of verified files per the keep-policy; returns how many were freed.
    @discardableResult
    public func freeVerifiedFiles() async throws(ClientError) -> Int {
        try await engine.freeVerifiedFiles()
    }
}
