import Crypto
import Foundation
import Glibc
import KandasProtocol
import KandasTestSupport
import Testing

@testable import KandasUploads

/// Bodies cut mid-way, PATCHes racing on one upload, and a stock tus client resuming.
@Suite(.serialized)
struct PatchConsumerTests {
    @Test func cutBodyWithoutChecksum_keepsReceivedBytes_andResumeCompletes() async throws {
        let f = try UploadFixture()
        let data = Sample.pdf(200_000)
        let location = try #require(try f.create(data)["Location"])
        let partial = f.partialPath(String(location.suffix(32)))
        do {
            let client = try RawClient(port: f.port)
            client.startPatch(location, offset: 0, length: data.count)
            client.send(Array(data[0..<70_000]))
            #expect(waitUntil { fileSize(partial) == 70_000 })
        }  // the socket closes here: the body is cut after 70,000 bytes
        #expect(waitUntil { (try? f.head(location))?["Upload-Offset"] == "70000" })
        let r = try f.patch(location, offset: 70_000, Array(data[70_000...]))
        #expect(r.status == 204)
        #expect(r["Kandas-Upload-State"] == "verified")
        #expect(readFile(f.blobPath(SHA256.hash(data).hex)) == data)
        await f.stop()
    }

    @Test func cutBodyWithChecksum_storesNothingOfThatChunk() async throws {
        let f = try UploadFixture()
        let data = Sample.pdf(100_000)
        let location = try #require(try f.create(data)["Location"])
        let partial = f.partialPath(String(location.suffix(32)))
        _ = try f.patch(location, offset: 0, Array(data[0..<10_000]))
        do {
            let client = try RawClient(port: f.port)
            let chunk = Array(data[10_000..<60_000])
            client.startPatch(
                location, offset: 10_000, length: chunk.count, checksum: "sha256 " + SHA256.hash(chunk).base64)
            client.send(Array(chunk[0..<30_000]))
            #expect(waitUntil { fileSize(partial) == 40_000 })
        }
        #expect(waitUntil { fileSize(partial) == 10_000 })
        #expect(try f.head(location)["Upload-Offset"] == "10000")
        await f.stop()
    }

    @Test func newRequestEndsOlderPatch_andTwoWritersNeverInterleave() async throws {
        let f = try UploadFixture()
        let data = Sample.pdf(100_000)
        let location = try #require(try f.create(data)["Location"])
        let partial = f.partialPath(String(location.suffix(32)))
        let old = try RawClient(port: f.port)
        old.startPatch(location, offset: 0, length: data.count)
        old.send(Array(data[0..<40_000]))
        #expect(waitUntil { fileSize(partial) == 40_000 })

        // A second PATCH from the "same" client after a network change: it takes the lease,
        // the old request's bytes so far are committed, so it learns the true offset.
        let second = try f.patch(location, offset: 0, Array(data[0..<10]))
        #expect(second.status == 409)
        #expect(second["Upload-Offset"] == "40000")
        // The old request goes on sending garbage: none of it may reach the file.
        old.send([UInt8](repeating: 0xEE, count: 20_000))
        let ended = old.readAll()
        #expect(ended.isEmpty || ended.contains("409"))
        #expect(try f.head(location)["Upload-Offset"] == "40000")
        let rest = try f.patch(location, offset: 40_000, Array(data[40_000...]))
        #expect(rest["Kandas-Upload-State"] == "verified")
        #expect(readFile(f.blobPath(SHA256.hash(data).hex)) == data)
        await f.stop()
    }

    @Test func newPatch_closesTheConnectionOfAStalledOlderPatch() async throws {
        let f = try UploadFixture()
        let data = Sample.pdf(50_000)
        let location = try #require(try f.create(data)["Location"])
        let old = try RawClient(port: f.port)
        old.startPatch(location, offset: 0, length: data.count, expectContinue: true)
        // `100 Continue` comes only once the route took the body: the old PATCH holds the lease
        // and is stalled waiting for bytes its client never sends.
        #expect(old.readSome() == "HTTP/1.1 100 Continue\r\n\r\n")

        let second = try f.patch(location, offset: 0, data)
        #expect(second.status == 204)
        #expect(second["Kandas-Upload-State"] == "verified")
        // sync-v1 §10.4 rule 1: the older request's connection is closed by the server, with no
        // response (its client resumes from HEAD), not left open until a timeout.
        let ended = old.readUntilClosed()
        #expect(ended.closed)
        #expect(ended.text.isEmpty)
        #expect(readFile(f.blobPath(SHA256.hash(data).hex)) == data)
        await f.stop()
    }

    @Test func headDuringChecksummedPatch_discardsItsChunk() async throws {
        let f = try UploadFixture()
        let data = Sample.pdf(60_000)
        let location = try #require(try f.create(data)["Location"])
        let partial = f.partialPath(String(location.suffix(32)))
        let old = try RawClient(port: f.port)
        old.startPatch(location, offset: 0, length: data.count, checksum: "sha256 " + SHA256.hash(data).base64)
        old.send(Array(data[0..<25_000]))
        #expect(waitUntil { fileSize(partial) == 25_000 })
        #expect(try f.head(location)["Upload-Offset"] == "0")
        #expect(fileSize(partial) == 0)
        old.send(Array(data[25_000...]))
        _ = old.readAll()
        #expect(try f.head(location)["Upload-Offset"] == "0")
        await f.stop()
    }

    @Test func stockTusClient_uploadsAndResumesAfterKill() async throws {
        let f = try UploadFixture()
        let data = Sample.pdf(300_000, seed: 3)
        let file = f.dir.path + "/scan.pdf"
        #expect(FileManager.default.createFile(atPath: file, contents: Data(data)))
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("tus_resume.py")
        let sha = SHA256.hash(data).hex
        let attachment = WireID.random().description
        let common = [f.base + "/v1/uploads", file, "device-1", attachment, sha, f.dir.path + "/urls.json"]
        let first = try run(["python3", script.path, "first"] + common)
        #expect(first.status == 9 || first.status == 137 || first.output.hasPrefix("131072"))
        #expect(first.output.trimmingCharacters(in: .whitespacesAndNewlines) == "131072")
        let second = try run(["python3", script.path, "resume"] + common)
        #expect(second.status == 0)
        let parts = second.output.split(separator: " ")
        #expect(parts.first == "131072")
        #expect(parts.dropFirst().first == "300000")
        let location = try #require(parts.last.map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) })
        let h = try curl(["-I", location, "-H", "Authorization: Bearer device-1", "-H", "Tus-Resumable: 1.0.0"])
        #expect(h["Kandas-Upload-State"] == "verified")
        #expect(readFile(f.blobPath(sha)) == data)
        #expect(f.verified.all.map(\.attachmentID.description) == [attachment])
        await f.stop()
    }
}
