import Foundation
import KandasTestSupport
import Synchronization
import Testing

/// `kill -9` at random moments while a client PATCHes an upload in small chunks; after a restart
/// the client asks `HEAD` and resumes: every offset the server acknowledged survived, and the
/// finished blob is the file, byte for byte.
///
/// Odd trials kill at a random moment; even ones at a random byte offset of the file (the chunks
/// before it acknowledged, the PATCH holding it cut there).
/// 20 trials in the normal run; `KANDAS_SOAK_TRIALS=500` (`make soak`) runs a soak and prints the
/// trials and the losses (acknowledged offsets not kept after the restart: always 0).
@Suite(.serialized) struct UploadCrashTests {
    static var trials: Int { Int(ProcessInfo.processInfo.environment["KANDAS_SOAK_TRIALS"] ?? "") ?? 20 }
    static let fileSize = 48 << 10
    static let chunk = 4 << 10

    /// PATCHes from `offset` to the end; records every acknowledged offset; stops at the first failure.
    static func send(
        _ bytes: [UInt8], from offset: Int, location: String, client: TestHTTPClient, acked: borrowing Mutex<Int>
    ) {
        var offset = offset
        while offset < bytes.count {
            let end = min(offset + chunk, bytes.count)
            let headers = [
                ("Tus-Resumable", "1.0.0"), ("Content-Type", "application/offset+octet-stream"),
                ("Upload-Offset", String(offset)),
            ]
            guard let r = try? client.send("PATCH", location, headers: headers, body: Array(bytes[offset..<end])),
                r.status == 204, let next = r.headers["upload-offset"].flatMap(Int.init)
            else { return }
            acked.withLock { $0 = max($0, next) }
            offset = next
        }
    }

    static func head(_ client: TestHTTPClient, _ location: String) throws -> TestResponse {
        try client.send("HEAD", location, headers: [("Tus-Resumable", "1.0.0")])
    }

    @Test(arguments: AttachmentContentTests.Blobs.allCases)
    func killDuringUploads_keepsEveryAcknowledgedOffset_andTheBlobIsTheFile(blobs: AttachmentContentTests.Blobs) throws
    {
        let store = blobs == .s3 ? try SeaweedServer() : nil
        defer { store?.stop() }
        try store?.createBucket("evidence")
        let s = try SyncFixture(
            arguments: store?.serverArguments() ?? [], environment: store?.credentialsEnvironment ?? [:])
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let (item, member) = try s.addItem(service: 21)
        var killedMidUpload = 0
        var killedAfterAcks = 0
        var byteOffsetKills = 0
        var losses = 0
        // The bucket run keeps CI lean: half the trials (the soak runs all of them).
        let trials =
            blobs == .s3 && ProcessInfo.processInfo.environment["KANDAS_SOAK_TRIALS"] == nil
            ? Self.trials / 2 : Self.trials
        for trial in 1...trials {
            let bytes = TusCurl.jpeg(Self.fileSize, seed: UInt64(trial))
            let sha = ServerProcessDigest.sha256(bytes)
            let file = SyncFixture.file(kind: "photo", type: "image/jpeg", size: bytes.count, sha: sha)
            let attachment = try #require(file["attachment_id"] as? String)
            _ = try s.results(d, [SyncFixture.complete(d, item: item, member: member, files: [file])])
            let created = try TusCurl(base: "http://127.0.0.1:\(s.server.port)", token: d.token).create(
                attachment: attachment, sha256: sha, size: bytes.count, contentType: "image/jpeg", kind: "photo")
            let location = try #require(created.headers["location"], "\(created)")
            let acked = Mutex(0)
            var cutAt: Int?
            if trial % 2 == 0 {
                // Kill at a random byte offset: the chunks before it acknowledged, its PATCH cut there.
                let offset = Int.random(in: 1..<bytes.count)
                let chunkStart = offset / Self.chunk * Self.chunk
                Self.send(Array(bytes[..<chunkStart]), from: 0, location: location, client: d.client, acked: acked)
                try #require(acked.withLock { $0 } == chunkStart, "trial \(trial)")
                let path =
                    location.hasPrefix("http")
                    ? "/" + location.split(separator: "/").dropFirst(2).joined(separator: "/") : location
                let raw = try RawClient(port: s.server.port)
                raw.send(
                    Array(
                        ("PATCH \(path) HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(d.token)\r\n"
                            + "Tus-Resumable: 1.0.0\r\nContent-Type: application/offset+octet-stream\r\n"
                            + "Upload-Offset: \(chunkStart)\r\n"
                            + "Content-Length: \(min(Self.chunk, bytes.count - chunkStart))\r\n\r\n").utf8)
                        + bytes[chunkStart..<offset])
                usleep(UInt32.random(in: 0...20_000))
                s.server.crash()
                cutAt = offset
                byteOffsetKills += 1
            } else {
                let done = DispatchSemaphore(value: 0)
                let client = d.client
                let thread = Thread {
                    Self.send(bytes, from: 0, location: location, client: client, acked: acked)
                    done.signal()
                }
                thread.start()
                usleep(UInt32.random(in: 0...60_000))
                s.server.crash()
                done.wait()
            }
            let before = acked.withLock { $0 }
            if before < bytes.count { killedMidUpload += 1 }
            if before > 0 && before < bytes.count { killedAfterAcks += 1 }
            try s.server.restart()
            s.reconnect(d)
            let head = try Self.head(d.client, location)
            #expect(head.status == 200, "trial \(trial): \(head)")
            let offset = try #require(head.headers["upload-offset"].flatMap(Int.init))
            #expect(offset >= before, "trial \(trial): acknowledged \(before), HEAD says \(offset)")
            if offset < before { losses += 1 }
            #expect(offset <= (cutAt ?? bytes.count), "trial \(trial): HEAD says \(offset), beyond what was sent")
            Self.send(bytes, from: offset, location: location, client: d.client, acked: acked)
            let final = try Self.head(d.client, location)
            #expect(final.headers["kandas-upload-state"] == "verified", "trial \(trial): \(final)")
            let shard = "\(sha.prefix(2))/\(sha.dropFirst(2).prefix(2))/\(sha)"
            let stored =
                try store.map {
                    ServerProcessDigest.sha256(try $0.client(bucket: "evidence").getObject(key: "kandas/" + shard))
                }
                ?? FileManager.default.contents(atPath: s.server.dataDirectory + "/blobs/" + shard).map {
                    ServerProcessDigest.sha256([UInt8]($0))
                }
            #expect(stored == sha, "trial \(trial): blob differs from the file")
        }
        print(
            "upload crash trials (\(blobs.rawValue)): \(trials) (\(byteOffsetKills) at a random byte offset),"
                + " killed mid-upload: \(killedMidUpload), of which after some acknowledged chunks:"
                + " \(killedAfterAcks), losses: \(losses)")
        let (status, output) = try ServerProcess.run(
            ["verify", "--data", s.server.dataDirectory] + (store?.serverArguments() ?? []),
            environment: store?.credentialsEnvironment ?? [:])
        #expect(status == 0, "\(output)")
    }
}
