import Foundation
import KandasProtocol
import Synchronization

@testable import KandasClient

/// A sleeper that records the delays it was asked for and returns at once: tests never wait.
final class RecordingSleeper: Sleeper {
    let delays = Mutex<[Duration]>([])

    func sleep(for duration: Duration) async throws { delays.withLock { $0.append(duration) } }

    var recorded: [Duration] { delays.withLock { $0 } }
}

/// A temporary home, a fake server and a client talking to it; `cleanup()` removes the folder.
struct Fixture {
    let root: String
    let server: FakeServer
    let client: KandasClient
    let sleeper: RecordingSleeper
    var family: Family
    var member: Member
    var items: [PlanItem]

    static let now = Timestamp(millisecondsSince1970: 1_795_000_000_000)
    static let here = Geolocation(
        latitude: 43.25, longitude: 76.95, accuracyMeters: 12, fixTime: now, provider: .gps, mock: false)

    /// Enrolls and pulls once unless `enroll` is false. Items get services 1 (once) and 21 (recurring).
    static func make(
        enroll: Bool = true, serviceCodes: [Int] = [1, 21, 7], _ configure: (inout ClientOptions) -> Void = { _ in }
    ) async throws -> Fixture {
        let root = NSTemporaryDirectory() + "kandas-client-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root + "/inbox", withIntermediateDirectories: true)
        let server = FakeServer()
        let seeded = await server.seedFamily(serviceCodes: serviceCodes)
        let sleeper = RecordingSleeper()
        var options = ClientOptions(
            chunkBytes: 64 << 10, minimumChunkBytes: 16 << 10, keepPolicy: .keepAlways,
            backoff: Backoff(seed: 7), sleeper: sleeper, now: { Fixture.now })
        configure(&options)
        let client = try await KandasClient.open(home: root + "/home", transport: server, options: options)
        let fixture = Fixture(
            root: root, server: server, client: client, sleeper: sleeper, family: seeded.family,
            member: seeded.member, items: seeded.items)
        if enroll {
            try await client.enroll(serverURL: FakeServer.base, code: FakeServer.goodCode)
            try await client.sync()
        }
        return fixture
    }

    func cleanup() {
        client.close()
        try? FileManager.default.removeItem(atPath: root)
    }

    enum Magic {
        case jpeg, png, mp4, quicktime, webm, pdf, text

        var bytes: [UInt8] {
            switch self {
            case .jpeg: [0xFF, 0xD8, 0xFF, 0xE0]
            case .png: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
            case .mp4: [0, 0, 0, 0x18] + Array("ftypisom".utf8)
            case .quicktime: [0, 0, 0, 0x14] + Array("ftypqt  ".utf8)
            case .webm: [0x1A, 0x45, 0xDF, 0xA3]
            case .pdf: Array("%PDF-1.7\n".utf8)
            case .text: Array("hello, not media".utf8)
            }
        }
    }

    /// Writes a file starting with `magic`, padded to `size` bytes of varied content.
    func file(_ name: String, _ magic: Magic, size: Int = 2048) throws -> String {
        var bytes = size == 0 ? [] : magic.bytes
        var state: UInt32 = UInt32(truncatingIfNeeded: name.hashValue) | 1
        while bytes.count < size {
            state = state &* 1_664_525 &+ 1_013_904_223
            bytes.append(UInt8(truncatingIfNeeded: state >> 24))
        }
        let path = root + "/inbox/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A full-evidence completion draft of item `index`.
    func draft(_ index: Int = 0, files: [EvidenceInput]) -> CompletionDraft {
        CompletionDraft(
            itemID: items[index].id, performedAt: Fixture.now, note: "done", location: Fixture.here, files: files)
    }

    /// Files under the client's store folder.
    func storedFiles() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root + "/home/files")) ?? []).sorted()
    }
}
