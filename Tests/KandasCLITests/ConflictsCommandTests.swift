import Foundation
import KandasProtocol
import Testing

@testable import KandasCLI

@Suite struct ConflictsCommandTests {
    @Test func conflicts_listTheVersions_thenResolveChoosesOneByPrefix() async throws {
        let server = SeedServer(withConflict: true)
        let harness = Harness()
        defer { harness.cleanup() }
        try await server.seed(home: harness.home)
        let listed = await harness.capture(["conflicts"])
        #expect(listed.status == 0)
        #expect(listed.out.contains("c0c0c0c0") && listed.out.contains("duplicate_completion"))
        #expect(listed.out.contains("*  e1e1e1e1") && listed.out.contains(#"note="version 2""#))
        #expect(listed.out.contains("(* = displayed)"))

        let resolved = await harness.capture([
            "resolve", "c0c0", "--choose", "e2e2", "--comment", "the second is right",
        ])
        #expect(resolved.status == 0, "\(resolved.err)")
        #expect(resolved.out.contains("Recorded a resolve (choose_event)"))
        let pending = await harness.capture(["conflicts", "--json"])
        #expect(pending.out.contains("\"resolution_pending\" : true"))
        let again = await harness.capture(["resolve", "c0c0", "--keep"])
        #expect(again.status == 1 && again.err.contains("already waiting to sync"))
    }

    @Test func choosingAnEventOutsideTheConflict_isUnknown() async throws {
        let server = SeedServer(withConflict: true)
        let harness = Harness()
        defer { harness.cleanup() }
        try await server.seed(home: harness.home)
        let result = await harness.capture(["resolve", "c0c0c0c0", "--choose", "abcd"])
        #expect(result.status == 1 && result.err.contains("unknown event 'abcd'"))
        #expect(await harness.capture(["status", "--json"]).out.contains("\"outbox_events\" : 0"))
    }

    @Test func planChanges_areShownAsBaseToCurrent() {
        let conflict = Conflict(
            id: .random(), kind: .planChanged, severity: .soft, status: .open, itemID: .random(), eventIDs: [],
            conflictingFields: [], versions: [],
            itemChanges: [
                ItemFieldChange(
                    field: "due_date", baseValue: .string("2026-12-01"), currentValue: .string("2026-12-15"))
            ],
            detectedAt: .now())
        let text = ConflictsCommand.versions(of: conflict, format: Format(timeZone: .gmt, showIIN: false))
        #expect(text.contains(#"plan changed: due_date "2026-12-01" → "2026-12-15""#))
    }
}
