// kandas-embed-example: the README's "Embedding the client core" guide as a program, step for step.
//
//   kandas-embed-example --home DIR --payload 'kandas1:https://server#CODE' --photo PATH [--video PATH]
//
// A phone app does the same with its camera's files, its location fix and its connectivity callbacks
// (NWPathMonitor on iOS, ConnectivityManager on Android); here they come from the command line, and the
// link is "metered" for the first sync so the video waits for the second, as on a phone on mobile data.
// The last line printed is a JSON summary (EmbedExampleTests checks it).
import Foundation
import KandasClient
import KandasProtocol
import Synchronization
import URLSessionTransport

/// What the app knows about its link; the upload policy reads it at each file (a `Mutex`: the OS callback
/// and the sync run on different threads).
final class Connectivity: Sendable {
    private let metered = Mutex(true)
    var isMetered: Bool { metered.withLock { $0 } }
    func set(metered value: Bool) { metered.withLock { $0 = value } }
}

func argument(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: "--" + name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("kandas-embed-example: \(message)\n".utf8))
    exit(1)
}

guard let home = argument("home"), let payload = argument("payload"), let photo = argument("photo") else {
    fail("usage: kandas-embed-example --home DIR --payload 'kandas1:<url>#<code>' --photo PATH [--video PATH]")
}
let video = argument("video")

do {
    // 1. Link the core and open its store: a folder the app owns (on iOS, Application Support; on Android,
    //    Context.filesDir). Videos wait while the link is metered; verified media is freed after its receipt.
    let connectivity = Connectivity()
    let options = ClientOptions(
        appVersion: "embed-example/1", platform: .ios, keepPolicy: .freeImmediately,
        allowUpload: { kind, _ in kind != .video || !connectivity.isMetered })
    let client = try await KandasClient.open(home: home, transport: URLSessionTransport(), options: options)
    defer { client.close() }

    // 2. Enroll from the scanned QR payload (once), then pull the worker's plan.
    if try await client.enrollment() == nil {
        try await client.enroll(payload: payload, deviceName: "embed-example")
    }
    try await client.sync()

    // 3. Record a completion offline with the captured files and the location fix.
    guard let item = try await client.items(filter: ItemFilter(status: .open)).first else {
        fail("no open plan item for this worker")
    }
    var files = [EvidenceInput(path: photo, kind: .photo, source: .camera)]
    if let video { files.append(EvidenceInput(path: video, kind: .video, source: .camera)) }
    let location = Geolocation(
        latitude: 43.2389, longitude: 76.8897, accuracyMeters: 8, fixTime: .now(), provider: .gps, mock: false)
    let recorded = try await client.complete(
        CompletionDraft(itemID: item.item.id, performedAt: .now(), note: "home visit", location: location, files: files)
    )

    // 4. Connectivity returns (metered): sync with progress. The video is held by the policy.
    let progress: @Sendable (SyncProgress) -> Void = { event in
        if case .uploadProgress(_, let sent, let size, _) = event { print("upload \(sent)/\(size) bytes") }
        if case .uploadHeld(_, let kind, _) = event { print("\(kind.rawValue) held until an unmetered link") }
    }
    let metered = try await client.sync(progress: progress)

    // 5. "k of n files verified": a file counts once a receipt from the server lists it as verified.
    func verified() async throws -> (Int, Int) {
        let mine = try await client.files().filter { $0.completionID == recorded.completionID }
        return (mine.filter { $0.state == .verified || $0.state == .freed }.count, mine.count)
    }
    let (k1, n) = try await verified()
    print("\(k1) of \(n) files verified")

    // 6. Wi-Fi: everything goes; verified media is freed (only after its receipt; never before).
    connectivity.set(metered: false)
    let unmetered = try await client.sync(progress: progress)
    let (k2, _) = try await verified()
    print("\(k2) of \(n) files verified")
    let freed = try await client.files().filter { $0.state == .freed }.count

    let summary: [String: Any] = [
        "completion_id": recorded.completionID?.description ?? "", "files": n, "verified_after_metered": k1,
        "held_on_metered": metered.filesHeld, "verified": k2, "freed": freed,
        "freed_by_syncs": metered.filesFreed + unmetered.filesFreed,
    ]
    let json = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys])
    print(String(decoding: json, as: UTF8.self))
} catch let error as ClientError {
    fail("\(error.code.rawValue): \(error.message)")
} catch {
    fail("\(error)")
}
