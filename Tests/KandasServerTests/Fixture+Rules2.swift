import Foundation
import KandasTestSupport

extension Fixture {
    /// An evaluation of the first centre and a consent of the first family's first member, so the
    /// authorisation matrix reaches `/evaluations/:id` and `/consents/:id` (Rules 2, paras 12, 47-51).
    func collectRules2IDs() throws {
        let centre = seed.centres[0]
        let e = try admin.json(
            "POST", "/v1/admin/career-centres/\(centre)/evaluations",
            #"{"year":2026,"quarter":3,"relevance":4,"effectiveness":4,"social_impact":4,"evaluator":"ERDO","#
                + #""evaluated_on":"2026-10-03"}"#, idempotencyKey: key())
        ids["evaluations"] = e.object["id"] as? String
        let status = try admin.get("/v1/admin/families/\(seed.families[0])/consents")
        let first = (status.object["members"] as? [[String: Any]])?.first
        ids["consents"] = (first?["consent"] as? [String: Any])?["id"] as? String
        guard ids["evaluations"] != nil, ids["consents"] != nil else {
            throw TestSupportError("rules 2 fixture: \(e) \(status)")
        }
    }
}
