import Crypto
import Foundation
import Glibc
import KandasProtocol
import Log
import Synchronization
import Testing

@testable import KandasUploads

/// The log records a test's logger received.
final class MemoryLog: LogSink {
    private let records = Mutex<[LogRecord]>([])
    func write(_ record: LogRecord) { records.withLock { $0.append(record) } }
    var lines: [String] { records.withLock { $0.map { $0.jsonLine() } } }
}

/// Issue 14 finding 5: a full disk under an upload answers `507 insufficient_storage` (Protocol §15)
/// and logs what failed, whether the failure is met while the body streams or when it is answered.
///
/// The partial-upload folder is a 1 MiB tmpfs (needs root; unmounted in every case), so the write
/// fails with the kernel's own `ENOSPC`.
@Suite(.serialized, .enabled(if: getuid() == 0, "mounting a tmpfs needs root"))
struct DiskFullTests {
    static func withFullDisk(_ body: (UploadFixture, MemoryLog) throws -> Void) throws {
        let log = MemoryLog()
        let f = try UploadFixture(logger: Logger(label: "test", level: .info, sink: log))
        let folder = f.configuration.partialDirectory
        let (status, output) = try run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", folder])
        #expect(status == 0, "\(output)")
        defer { _ = try? run(["umount", folder]) }
        try body(f, log)
    }

    @Test(arguments: [false, true])
    func patchOnAFullDisk_is507InsufficientStorage_andLogged(withChecksum: Bool) async throws {
        var fixture: UploadFixture?
        try Self.withFullDisk { f, log in
            fixture = f
            let data = Sample.pdf(3 << 20)
            let created = try f.create(data)
            #expect(created.status == 201, "\(created)")
            let location = try #require(created["Location"])
            let checksum = withChecksum ? "sha256 " + SHA256.hash(data).base64 : nil
            let r = try f.patch(location, offset: 0, data, checksum: checksum)
            #expect(r.status == 507, "\(r)")
            #expect(r.body.contains("\"code\":\"insufficient_storage\""), "\(r.body)")
            #expect(r["Tus-Resumable"] == "1.0.0")
            #expect(
                log.lines.contains { $0.contains("insufficient_storage") && $0.contains("errno 28") },
                "\(log.lines)")
            // Nothing acknowledged past what was stored: the offset is still a durable one.
            let head = try f.head(location)
            #expect(head.status == 200)
            #expect(Int(head["Upload-Offset"] ?? "") ?? -1 < data.count)
        }
        await fixture?.stop()
    }
}
