import Foundation
import KandasProtocol
import Testing

@testable import KandasCLI

/// Field commands against a home enrolled and synced through the client core (no network afterwards).
@Suite struct FieldCommandsTests {
    func seeded() async throws -> (Harness, SeedServer) {
        let server = SeedServer()
        let harness = Harness()
        try await server.seed(home: harness.home)
        return (harness, server)
    }

    @Test func enroll_withTheQRPayload_thenSync_printsASummary() async throws {
        let server = SeedServer()
        let harness = Harness(transport: server)
        defer { harness.cleanup() }
        let enrolled = await harness.capture(["enroll", "kandas1:\(SeedServer.base)#\(SeedServer.code)"])
        #expect(enrolled.status == 0 && enrolled.out.hasPrefix("Enrolled as device "))
        let synced = await harness.capture(["sync"])
        #expect(synced.status == 0, "\(synced.err)")
        #expect(synced.out.contains("pulled 7 change(s)") && synced.out.contains("Sync done in 0.0 s"))
        #expect(synced.out.contains("Open conflicts: 0."))
        let json = await harness.capture(["sync", "--json"])
        let value = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any]
        #expect(value?["events_pushed"] as? Int == 0 && value?["open_conflicts"] as? Int == 0)
    }

    @Test func families_showNames_andMaskIINsUnlessAsked() async throws {
        let (harness, server) = try await seeded()
        defer { harness.cleanup() }
        let table = await harness.capture(["families"])
        #expect(table.out.contains("Ақсу") && table.out.contains("Сейітов Ерлан"))
        let members = await harness.capture(["families", "--members"])
        #expect(members.out.contains("********0123") && !members.out.contains("900101300123"))
        let shown = await harness.capture(["families", "--members", "--show-iin"])
        #expect(shown.out.contains("900101300123"))
        let json = await harness.capture(["families", "--json"])
        #expect(json.out.contains(server.family.id.description) && json.out.contains("\"iin\" : \"********0123\""))
    }

    @Test func items_useTheChosenLanguage_andFilter() async throws {
        let (harness, server) = try await seeded()
        defer { harness.cleanup() }
        let english = await harness.capture(["items"])
        #expect(english.status == 0 && english.out.split(separator: "\n").count == 4)
        let kazakh = await harness.capture(["items", "--lang", "kk", "--service", "1"])
        #expect(kazakh.out.split(separator: "\n").count == 2)
        #expect(!kazakh.out.contains("Registration"))
        let byIIN = await harness.capture(["items", "--member", "150505500017"])
        #expect(byIIN.status == 0 && byIIN.err.contains("No items match."))
        let byFamily = await harness.capture(["items", "--family", String(server.family.id.description.prefix(6))])
        #expect(byFamily.out.split(separator: "\n").count == 4)
        let json = await harness.capture(["items", "--json", "--status", "open"])
        let array = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [[String: Any]]
        #expect(array?.count == 3 && array?.first?["service_name"] != nil)
    }

    @Test func complete_recordsOffline_thenStatusItemsAndFilesShowIt() async throws {
        let (harness, server) = try await seeded()
        defer { harness.cleanup() }
        let photo = try harness.file("form.jpg")
        let item = String(server.items[0].id.description.suffix(8))
        let result = await harness.capture([
            "complete", item, "--note", "Тіркелді", "--at", "2026-11-20 15:30", "--photo", photo, "--geo",
            "43.2389,76.8897,12",
        ])
        #expect(result.status == 0, "\(result.err)")
        #expect(result.out.hasPrefix("Recorded completion ") && result.out.contains("with 1 file(s)"))
        let status = await harness.capture(["status", "--json"])
        #expect(status.out.contains("\"outbox_events\" : 1") && status.out.contains("\"files_pending\" : 1"))
        let pending = await harness.capture(["items", "--pending", "--json"])
        #expect(pending.out.contains("\"performed_at\" : \"2026-11-20T10:30:00.000Z\""))
        #expect(pending.out.contains("Тіркелді"))
        let files = await harness.capture(["files"])
        #expect(files.out.contains("photo") && files.out.contains("pending"))
        let completed = await harness.capture(["items", "--status", "completed", "--quiet"])
        #expect(completed.out.contains(item))
    }

    @Test func complete_withAMissingFile_exits1_andRecordsNothing() async throws {
        let (harness, server) = try await seeded()
        defer { harness.cleanup() }
        let result = await harness.capture([
            "complete", server.items[0].id.description, "--photo", harness.root + "/nope.jpg",
        ])
        #expect(result.status == 1 && result.err.contains("no file at") && result.err.contains("hint:"))
        #expect(await harness.capture(["status", "--json"]).out.contains("\"outbox_events\" : 0"))
    }

    @Test func unknownPrefix_exits1_sayingToSync() async throws {
        let (harness, _) = try await seeded()
        defer { harness.cleanup() }
        let result = await harness.capture(["complete", "ffff0000"])
        #expect(result.status == 1 && result.err.contains("unknown item 'ffff0000'"))
    }

    @Test func amendAndVoid_resolveTheCompletionBySuffixOrPrefix() async throws {
        let (harness, server) = try await seeded()
        defer { harness.cleanup() }
        let done = await harness.capture(["complete", server.items[1].id.description, "--quiet"])
        let completion = done.out.trimmingCharacters(in: .whitespacesAndNewlines)
        let amended = await harness.capture(["amend", String(completion.suffix(6)), "--note", "corrected"])
        #expect(amended.status == 0 && amended.out.contains("Recorded an amendment"), "\(amended.err)")
        let voided = await harness.capture(["void", String(completion.prefix(8)), "--reason", "wrong member", "--json"])
        #expect(voided.status == 0 && voided.out.contains("\"type\" : \"void\""))
        #expect(await harness.capture(["status", "--json"]).out.contains("\"outbox_events\" : 3"))
    }

    @Test func complete_warnsAboutMissingEvidence_onStderr() async throws {
        let (harness, server) = try await seeded()
        defer { harness.cleanup() }
        let result = await harness.capture(["complete", server.items[0].id.description])
        #expect(result.status == 0 && result.err.contains("warning: missing_"))
    }

    @Test func emptyInbox_andReceipts_sayThereIsNothing() async throws {
        let (harness, _) = try await seeded()
        defer { harness.cleanup() }
        #expect(await harness.capture(["conflicts"]).err.contains("No open conflicts."))
        #expect(await harness.capture(["receipts"]).err.contains("No receipts yet"))
        #expect(await harness.capture(["conflicts", "--json"]).out.contains("\"quarantined\" : ["))
    }

    @Test func sync_pushesAndUploads_withPlainProgressLines_whenNotATerminal() async throws {
        let server = SeedServer()
        let harness = Harness(transport: server)
        defer { harness.cleanup() }
        try await server.seed(home: harness.home)
        let photo = try harness.file("form.jpg", size: 4096)
        #expect(await harness.run(["complete", server.items[0].id.description, "--photo", photo]) == 0)
        let result = await harness.capture(["sync"])
        #expect(result.status == 0, "\(result.err)")
        #expect(result.out.contains("pushed 1 event (1 this sync)\n"))
        #expect(result.out.contains(": starting, 4.0 KiB\n") && result.out.contains(": verified, 4.0 KiB in 0.0 s"))
        #expect(result.out.contains("pushed 1 event(s)") && result.out.contains("uploaded 1 file(s) (4.0 KiB sent)"))
        #expect(!result.out.contains("\u{1B}"))
    }

    @Test func sync_drawsABarPerUpload_onATerminal() async throws {
        let server = SeedServer()
        let harness = Harness(transport: server, stdoutIsTTY: true)
        defer { harness.cleanup() }
        try await server.seed(home: harness.home)
        let video = try harness.file("visit.mp4", magic: [0, 0, 0, 0x18] + Array("ftypisom".utf8), size: 8192)
        #expect(await harness.run(["complete", server.items[0].id.description, "--video", video]) == 0)
        let result = await harness.capture(["sync"])
        #expect(result.status == 0, "\(result.err)")
        #expect(result.out.contains("\r\u{1B}[Kvideo ") && result.out.contains("] 100%  8.0 KiB/8.0 KiB"))
        #expect(result.out.contains("done\n"))
    }

    @Test func sync_quietAndJSON_printNoProgress() async throws {
        let server = SeedServer()
        let harness = Harness(transport: server, stdoutIsTTY: true)
        defer { harness.cleanup() }
        try await server.seed(home: harness.home)
        let photo = try harness.file("a.jpg")
        #expect(await harness.run(["complete", server.items[0].id.description, "--photo", photo]) == 0)
        let quiet = await harness.capture(["sync", "--quiet"])
        #expect(quiet.status == 0 && quiet.out.isEmpty)
        let json = await harness.capture(["sync", "--json"])
        #expect(json.out.hasPrefix("{") && !json.out.contains("\u{1B}"))
    }
}
