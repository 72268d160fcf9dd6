import Foundation
import KandasTestSupport
import Testing

/// `GET /v1/admin/completions` (Protocol §4.9): the API list parses its filters with `CompletionFilter`.
@Suite(.serialized) struct CompletionHandlersTests {
    @Test func list_filtersByMemberIIN_andRefusesEmptyOrBadFilters() throws {
        let s = try SyncFixture()
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let (item, member) = try s.addItem(service: 21)
        let accepted = try s.results(d, [SyncFixture.complete(d, item: item, member: member)])
        #expect(accepted.first?["outcome"] as? String == "accepted")
        let family = try #require(
            try s.base.admin.get("/v1/admin/plan-items/\(item)").object["family_id"] as? String)
        let members = try s.base.admin.get("/v1/admin/families/\(family)/members").object
        let rows = (members["items"] as? [[String: Any]]) ?? []
        let iin = try #require(rows.first { $0["id"] as? String == member }?["iin"] as? String)
        let mine = try s.base.admin.get("/v1/admin/completions?member_iin=\(iin)")
        #expect((mine.object["items"] as? [[String: Any]])?.count == 1, "\(mine.object)")
        let other = iin == "000000000000" ? "111111111111" : "000000000000"
        let none = try s.base.admin.get("/v1/admin/completions?member_iin=\(other)")
        #expect((none.object["items"] as? [[String: Any]])?.count == 0, "\(none.object)")
        for query in ["family_id=", "member_iin=12345", "review_state=done", "service_code=26", "colour=red"] {
            let bad = try s.base.admin.get("/v1/admin/completions?\(query)")
            #expect(bad.status == 400 && bad.code == "invalid_parameter", "\(query): \(bad.status) \(bad.object)")
        }
    }
}
