import Foundation
import KandasClient
import KandasProtocol
import Testing

@testable import KandasCLI

/// `kandas receipts`, `kandas status` and `kandas files` show what the server did with each file.
@Suite struct ReceiptsCommandTests {
    /// A home with one photo uploaded, then a receipt in `state` pulled while uploads are held (as on a
    /// metered link), so the commands see the server's word before any re-upload.
    func home(receiptSaying state: UploadState) async throws -> (Harness, SeedServer) {
        let server = SeedServer()
        let harness = Harness(transport: server)
        try await server.seed(home: harness.home)
        let photo = try harness.file("form.jpg", size: 4096)
        #expect(await harness.run(["complete", server.items[0].id.description, "--photo", photo]) == 0)
        #expect(await harness.run(["sync", "--quiet"]) == 0)
        let client = try await KandasClient.open(
            home: harness.home, transport: server, options: ClientOptions(allowUpload: { _, _ in false }))
        defer { client.close() }
        let files = try await client.files()
        await server.issueReceipt(files[0].completionID, files: files, state: state)
        try await client.sync()
        return (harness, server)
    }

    @Test func status_countsFilesTheServerMarkedCorrupt_andSaysTheyWillBeSentAgain() async throws {
        let (harness, _) = try await home(receiptSaying: .corrupt)
        defer { harness.cleanup() }
        let status = await harness.capture(["status"])
        #expect(status.out.contains("1 file corrupt on the server — will re-upload on next sync"), "\(status.out)")
        #expect(status.out.contains("Files pending") && status.out.contains("1 (4.0 KiB)"))
        let json = try JSONSerialization.jsonObject(with: Data(await harness.capture(["status", "--json"]).out.utf8))
        let counts = (json as? [String: Any])?["files_by_server_state"] as? [String: Int]
        #expect(counts == ["corrupt": 1])
    }

    @Test func receiptsAndFiles_showEachFilesServerState() async throws {
        let (harness, _) = try await home(receiptSaying: .expired)
        defer { harness.cleanup() }
        let table = await harness.capture(["receipts"])
        #expect(table.out.contains("SERVER") && table.out.contains("1 expired"), "\(table.out)")
        let json = try JSONSerialization.jsonObject(with: Data(await harness.capture(["receipts", "--json"]).out.utf8))
        let file = ((json as? [[String: Any]])?.first?["files"] as? [[String: Any]])?.first
        #expect(file?["upload_state"] as? String == "expired" && file?["local_state"] as? String == "pending")
        let files = await harness.capture(["files"])
        #expect(files.out.contains("pending") && files.out.contains("expired"), "\(files.out)")
        #expect(await harness.capture(["files", "--json"]).out.contains("\"server_state\" : \"expired\""))
    }

    @Test func verifiedReceipt_leavesNothingWaitingOnTheServer() async throws {
        let (harness, _) = try await home(receiptSaying: .verified)
        defer { harness.cleanup() }
        let status = await harness.capture(["status"])
        #expect(status.status == 0 && !status.out.contains("on the server") && !status.out.contains("Uploads"))
        #expect(await harness.capture(["receipts"]).out.contains("1 verified"))
    }

    @Test func serverLines_nameEachWaitingState_worstFirst() {
        let lines = StatusCommand.serverLines([.declared: 1, .expired: 3, .corrupt: 2, .receiving: 1])
        #expect(
            lines == [
                "2 files corrupt on the server — will re-upload on next sync",
                "3 files expired on the server — will re-upload on next sync",
                "1 file partly received by the server — upload continues on next sync",
                "1 file declared, no bytes on the server yet",
            ])
    }
}
