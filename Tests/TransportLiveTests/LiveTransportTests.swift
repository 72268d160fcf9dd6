import CurlTransport
import Foundation
import KandasClient
import KandasProtocol
import KandasTestSupport
import Synchronization
import Testing
import URLSessionTransport

/// The transports the client core ships. Every live test below runs once per kind: one test body,
/// both transports, against the real `kandas-server`.
enum TransportKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case curl
    case urlSession

    var testDescription: String { rawValue }

    func make() -> any Transport {
        switch self {
        case .curl: CurlTransport(configuration: .init(userAgent: "kandas-test/1"))
        case .urlSession: URLSessionTransport(configuration: .init(userAgent: "kandas-test/1"))
        }
    }
}

/// The client core over each transport against the real server (seeded demo organisation): push, pull,
/// a resumed upload, cut connections and a 401 refresh.
@Suite(.serialized) struct LiveTransportTests {
    @Test(arguments: TransportKind.allCases)
    func pushPullAndUpload_reachTheServerAndComeBackAsAReceipt(kind: TransportKind) async throws {
        let scene = try await LiveScene(kind)
        defer { scene.cleanup() }
        let item = try await scene.openItem()
        let photo = try scene.evidence("photo.jpg", size: 300_000)
        try await scene.client.complete(
            CompletionDraft(
                itemID: item, performedAt: .now(), note: "visit", files: [EvidenceInput(path: photo, kind: .photo)]))
        let report = try await scene.client.sync()
        #expect(report.eventsAccepted == 1)
        #expect(report.filesUploaded == 1)
        #expect(report.pagesPulled >= 1)
        let files = try await scene.client.files()
        #expect(files.map(\.state) == [.verified], "\(files.map(\.lastError))")
        #expect(try await scene.client.receipts().count == 1)
        #expect(try await scene.client.status().outboxEvents == 0)
    }

    @Test(arguments: TransportKind.allCases)
    func cancelledUpload_isResumedFromTheServersOffsetByTheNextSync(kind: TransportKind) async throws {
        let scene = try await LiveScene(kind, chunkBytes: 256 << 10)
        defer { scene.cleanup() }
        let size = 2 << 20
        let item = try await scene.openItem()
        let video = try scene.evidence("video.mp4", size: size, header: LiveScene.mp4Header)
        try await scene.client.complete(
            CompletionDraft(itemID: item, performedAt: .now(), files: [EvidenceInput(path: video, kind: .video)]))
        // The app is stopped once two chunks are on the server: cancelling the sync cancels the transfer.
        let client = scene.client
        let stop = Mutex(false)
        let sync = Task {
            defer { stop.withLock { $0 = true } }
            try await client.sync { progress in
                if case .uploadProgress(_, let fileBytes, _, _) = progress, fileBytes >= 600 << 10 {
                    stop.withLock { $0 = true }
                }
            }
        }
        while !stop.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(2)) }
        sync.cancel()
        _ = await sync.result
        let before = try await scene.client.files()
        #expect(before.first?.state != .verified, "the upload finished before it could be stopped")
        // A new process: a fresh store handle and transport pick the upload up at the server's offset.
        let resumed = try await scene.reopen()
        let report = try await resumed.sync()
        #expect(report.filesUploaded == 1)
        #expect(report.uploadBytesSent < Int64(size), "the resumed sync sent the whole file again")
        #expect(try await resumed.files().map(\.state) == [.verified])
    }

    @Test(arguments: TransportKind.allCases)
    func cutConnections_areRetriedUntilTheSyncCompletes(kind: TransportKind) async throws {
        let scene = try await LiveScene(kind, proxied: true)
        defer { scene.cleanup() }
        let item = try await scene.openItem()
        let photo = try scene.evidence("photo.jpg", size: 200_000)
        try await scene.client.complete(
            CompletionDraft(itemID: item, performedAt: .now(), files: [EvidenceInput(path: photo, kind: .photo)]))
        let proxy = try #require(scene.proxy)
        // A seed whose first connection is cut inside the first request's head: the push never arrives whole.
        let seed = try #require(
            (UInt64(1)...500).first { seed in
                let fault = FaultProxy.Policy.random(seed: seed, probability: 0.5, maxBytes: 4096)
                    .plannedFault(connection: 0)
                return fault?.direction == .upstream && (fault?.offset ?? .max) < 100
            })
        try proxy.setPolicy(.random(seed: seed, probability: 0.5, maxBytes: 4096))
        // Connections opened before the policy keep none: a fresh transport opens new ones.
        let client = try await scene.reopen()
        var done = false
        var runs = 0
        while !done && runs < 10 {
            runs += 1
            _ = try? await client.sync()
            let status = try await client.status()
            done = status.outboxEvents == 0 && status.filesPending == 0
        }
        #expect(done, "sync never completed through the cuts in \(runs) runs")
        #expect(proxy.counters.faults > 0)
        try proxy.setPolicy(.none)
        _ = try await client.sync()
        #expect(try await client.files().map(\.state) == [.verified])
    }

    @Test(arguments: TransportKind.allCases)
    func appRunUploadSteps_uploadTheFileInFileRanges_andTheReceiptVerifiesIt(kind: TransportKind) async throws {
        let scene = try await LiveScene(kind, chunkBytes: 256 << 10)
        defer { scene.cleanup() }
        let size = 700_000
        let item = try await scene.openItem()
        let photo = try scene.evidence("photo.jpg", size: size)
        // The event syncs; the file is held (as a phone holds video on a metered link) for the app to upload.
        var holding = scene.options
        holding.allowUpload = { _, _ in false }
        let held = try await scene.reopen(options: holding)
        try await held.complete(
            CompletionDraft(itemID: item, performedAt: .now(), files: [EvidenceInput(path: photo, kind: .photo)]))
        #expect(try await held.sync().filesHeld == 1)
        #expect(try await held.nextUploadStep() == nil)
        // The app's own uploader (a background session on iOS) runs each step and hands the answer back.
        let client = try await scene.reopen()
        let app = kind.make()
        var kinds: [UploadStep.Kind] = []
        var chunkBytes: Int64 = 0
        while let step = try await client.nextUploadStep(), kinds.count < 20 {
            kinds.append(step.kind)
            if case .file(_, _, let length) = step.request.body { chunkBytes += length }
            try await client.finishUploadStep(step, response: try await app.send(step.request))
        }
        #expect(kinds.first == .create)
        #expect(kinds.filter { $0 == .chunk }.count == 3)
        #expect(chunkBytes == Int64(size))
        #expect(try await client.files().map(\.state) == [.uploaded])
        let report = try await client.sync()
        #expect(report.filesUploaded == 0)
        #expect(try await client.files().map(\.state) == [.verified])
    }

    @Test(arguments: TransportKind.allCases)
    func expiredAccessToken_isRefreshedOnceAndTheSyncGoesOn(kind: TransportKind) async throws {
        let scene = try await LiveScene(kind)
        defer { scene.cleanup() }
        let item = try await scene.openItem()
        try await scene.client.complete(CompletionDraft(itemID: item, performedAt: .now(), note: "after an hour"))
        // The server's clock moves past the access token's hour; the refresh token is good for 90 days.
        try scene.server.setClockOffset(seconds: 3601)
        let report = try await scene.client.sync()
        #expect(report.tokenRefreshes == 1)
        #expect(report.eventsAccepted == 1)
    }
}

/// One live scene: the real server (seeded), optionally a fault proxy in front, and an enrolled client
/// whose store lives in a temporary folder. `cleanup()` stops everything and removes the folders.
final class LiveScene: @unchecked Sendable {
    // @unchecked: one test owns a scene and uses it from its own task only.
    static let jpegHeader: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0]
    static let mp4Header: [UInt8] = [0, 0, 0, 0x18] + Array("ftypisom".utf8) + [0, 0, 2, 0] + Array("isommp41".utf8)

    let kind: TransportKind
    let server: ServerProcess
    let proxy: FaultProxy?
    let root: String
    let options: ClientOptions
    private(set) var client: KandasClient

    init(_ kind: TransportKind, chunkBytes: Int = 8 << 20, proxied: Bool = false) async throws {
        self.kind = kind
        root =
            FileManager.default.temporaryDirectory.appendingPathComponent(
                "kandas-live-" + UUID().uuidString.lowercased()
            ).path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        server = try ServerProcess(seed: true)
        proxy = proxied ? try FaultProxy(targetPort: server.port) : nil
        options = ClientOptions(
            appVersion: "kandas-live-test/1", chunkBytes: chunkBytes, minimumChunkBytes: 64 << 10,
            backoff: Backoff(base: .milliseconds(20), cap: .milliseconds(200), seed: 1), maxAttempts: 6)
        client = try await KandasClient.open(home: root + "/home", transport: kind.make(), options: options)
        guard let code = server.seed?.codes["worker111"] else { throw TestSupportError("no seeded code") }
        let url = "http://127.0.0.1:\(proxy?.port ?? server.port)"
        try await client.enroll(serverURL: url, code: code, deviceName: "live-\(kind.rawValue)")
        try await client.sync()
    }

    /// Closes the client and opens the same store with a fresh transport (a restarted app).
    func reopen(options: ClientOptions? = nil) async throws -> KandasClient {
        client.close()
        client = try await KandasClient.open(
            home: root + "/home", transport: kind.make(), options: options ?? self.options)
        return client
    }

    /// An open plan item of the seeded worker.
    func openItem() async throws -> WireID {
        let items = try await client.items(filter: ItemFilter(status: .open))
        return try #require(items.first?.item.id, "the demo plan gives worker111 open items")
    }

    /// An evidence file of `size` bytes starting with `header`.
    func evidence(_ name: String, size: Int, header: [UInt8] = jpegHeader) throws -> String {
        var bytes = [UInt8](repeating: 0, count: size)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for i in 0..<size {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            bytes[i] = UInt8(truncatingIfNeeded: state >> 33)
        }
        for (i, byte) in header.enumerated() { bytes[i] = byte }
        let path = root + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func cleanup() {
        client.close()
        proxy?.stop()
        server.cleanup()
        try? FileManager.default.removeItem(atPath: root)
    }
}
