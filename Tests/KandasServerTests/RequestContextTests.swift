import Foundation
import KandasTestSupport
import Testing

/// Idempotency-Key handling and strict bodies, through the live server (Protocol §1.3, §15).
struct RequestContextTests {
    func centreBody(_ f: Fixture, name: String = "Centre X") -> String {
        "{\"region_id\":\"\(f.seed.regions[0])\",\"name\":\"\(name)\"}"
    }

    @Test func replay_returnsTheStoredResponse_andCreatesNothingNew() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let first = try f.admin.json("POST", "/v1/admin/career-centres", centreBody(f), idempotencyKey: "centre-1")
        #expect(first.status == 201)
        let before = try f.digest()
        let replay = try f.admin.json("POST", "/v1/admin/career-centres", centreBody(f), idempotencyKey: "\"centre-1\"")
        #expect(replay.status == 201 && replay.body == first.body)
        #expect(replay.headers["idempotent-replayed"] == "true")
        #expect(first.headers["idempotent-replayed"] == nil)
        #expect(try f.digest() == before)
    }

    /// U+0000 in any string of a JSON body is 422 `invalid_field` on both engines (PostgreSQL text
    /// cannot hold it: it was a 500 there) — from the body check, or earlier from a field's own
    /// control-character rule; an escaped backslash before "u0000" is ordinary text.
    @Test(arguments: StoreEngine.allCases) func textWithUPlus0000_is422_andChangesNothing(engine: StoreEngine) throws {
        let f = try Fixture(engine: engine)
        defer { f.server.cleanup() }
        // The refusals are kept for their Idempotency-Keys' replays; nothing else changes.
        let before = try f.server.storeDigest(excluding: Fixture.activityTables.union(["idempotency"]))
        for name in ["A\\u0000B", "\\u0000", "A\\\\\\u0000"] {
            let r = try f.admin.json(
                "POST", "/v1/admin/career-centres", centreBody(f, name: name), idempotencyKey: f.key())
            #expect(r.status == 422 && r.code == "invalid_field", "\(name): \(r)")
        }
        #expect(try f.server.storeDigest(excluding: Fixture.activityTables.union(["idempotency"])) == before)
        let text = try f.admin.json(
            "POST", "/v1/admin/career-centres", centreBody(f, name: "A\\\\u0000B"), idempotencyKey: f.key())
        #expect(text.status == 201 && text.object["name"] as? String == "A\\u0000B", "\(text)")
    }

    @Test func sameKey_differentBody_is422_andChangesNothing() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        _ = try f.admin.json("POST", "/v1/admin/career-centres", centreBody(f), idempotencyKey: "k")
        let before = try f.digest()
        let changed = try f.admin.json(
            "POST", "/v1/admin/career-centres", centreBody(f, name: "Other"), idempotencyKey: "k")
        #expect(changed.status == 422 && changed.code == "idempotency_key_reused")
        #expect(try f.digest() == before)
    }

    @Test func storedErrors_areReplayedToo() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let body = "{\"region_id\":\"\(f.seed.regions[0])\",\"name\":\"\"}"
        let first = try f.admin.json("POST", "/v1/admin/career-centres", body, idempotencyKey: "bad")
        let again = try f.admin.json("POST", "/v1/admin/career-centres", body, idempotencyKey: "bad")
        #expect(first.status == 422 && again.status == 422 && again.headers["idempotent-replayed"] == "true")
    }

    @Test func missingOrMalformedKey_isRejected() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let missing = try f.admin.json("POST", "/v1/admin/career-centres", centreBody(f))
        #expect(missing.status == 400 && missing.code == "idempotency_key_missing")
        let bad = try f.admin.json("POST", "/v1/admin/career-centres", centreBody(f), idempotencyKey: "has space")
        #expect(bad.status == 400 && bad.code == "invalid_parameter")
    }

    /// Bad input of every kind: a problem+json with a stable code, and the store unchanged.
    @Test(arguments: [
        ("{not json", "malformed_json", 400),
        ("[1,2]", "malformed_json", 400),
        ("{\"region_id\":12,\"name\":\"X\"}", "invalid_field", 422),
        ("{\"region_id\":\"REGION\",\"name\":\"X\"}", "invalid_field", 422),
        ("{\"name\":\"X\"}", "missing_field", 422),
        ("{\"region_id\":\"@R\",\"name\":\"X\",\"colour\":\"red\"}", "unknown_field", 422),
        ("{\"region_id\":\"00000000-0000-4000-8000-000000000000\",\"name\":\"X\"}", "invalid_field", 422),
        ("{\"region_id\":\"@R\",\"name\":\"\\u0001\"}", "invalid_field", 422),
    ])
    func badBodies_getProblems_andChangeNothing(body: String, code: String, status: Int) throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        // The idempotency record of a 4xx is kept on purpose (it is replayed); the domain must not change.
        let domain = Fixture.activityTables.union(["idempotency"])
        let before = try ServerProcess.databaseDigest(f.server.databasePath, excluding: domain)
        let text = body.replacingOccurrences(of: "@R", with: f.seed.regions[0])
        let r = try f.admin.json("POST", "/v1/admin/career-centres", text, idempotencyKey: f.key())
        #expect(r.status == status && r.code == code, "\(body) → \(r)")
        #expect(r.headers["content-type"] == "application/problem+json")
        #expect(r.object["request_id"] as? String == r.headers["request-id"])
        #expect(try ServerProcess.databaseDigest(f.server.databasePath, excluding: domain) == before)
    }

    @Test func wrongContentType_isUnsupportedMediaType() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let r = try f.admin.send(
            "POST", "/v1/admin/career-centres", headers: [("Content-Type", "text/plain"), ("Idempotency-Key", "x")],
            body: Array(centreBody(f).utf8))
        #expect(r.status == 415 && r.code == "unsupported_media_type")
    }

    @Test func oversizedBody_is413() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let big =
            "{\"region_id\":\"\(f.seed.regions[0])\",\"name\":\"" + String(repeating: "x", count: 1_100_000) + "\"}"
        let r = try f.admin.json("POST", "/v1/admin/career-centres", big, idempotencyKey: f.key())
        #expect(r.status == 413)
    }

    @Test(arguments: ["..%2F..%2Fetc%2Fpasswd", "%2e%2e", "5F0C1A2E-3B4D-4E6F-8A9B-000000000201", "not-a-uuid", "%00"])
    func pathTricksInIDs_areNotFound(id: String) throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let r = try f.admin.get("/v1/admin/families/\(id)")
        #expect([400, 404].contains(r.status), "\(id) → \(r)")
        #expect(r.headers["content-type"] == "application/problem+json")
    }

    @Test func unknownQueryParameters_andBadPageTokens_are400() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let unknown = try f.admin.get("/v1/admin/families?colour=red")
        #expect(unknown.status == 400 && unknown.code == "invalid_parameter")
        let limit = try f.admin.get("/v1/admin/families?limit=501")
        #expect(limit.status == 400 && limit.code == "invalid_parameter")
        let page = try f.admin.get("/v1/admin/families?limit=3")
        let token = try #require(page.object["next_page_token"] as? String)
        let next = try f.admin.get("/v1/admin/families?limit=3&page_token=\(token)")
        #expect(next.status == 200)
        let otherFilter = try f.admin.get(
            "/v1/admin/families?limit=3&region_id=\(f.seed.regions[0])&page_token=\(token)")
        #expect(otherFilter.status == 400 && otherFilter.code == "invalid_page_token")
        let corrupt = try f.admin.get("/v1/admin/families?page_token=garbage")
        #expect(corrupt.status == 400 && corrupt.code == "invalid_page_token")
    }

    @Test func pagination_walksEveryFamilyOnce() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        var seen: [String] = []
        var token: String?
        repeat {
            let r = try f.admin.get("/v1/admin/families?limit=7" + (token.map { "&page_token=" + $0 } ?? ""))
            seen += ((r.object["items"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
            token = r.object["next_page_token"] as? String
        } while token != nil
        #expect(seen.count == 20 && Set(seen) == Set(f.seed.families))
    }

    @Test func staleVersion_isConflict() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let r = try f.admin.json(
            "PATCH", "/v1/admin/career-centres/\(f.seed.centres[0])", "{\"version\":7,\"name\":\"New\"}",
            idempotencyKey: f.key())
        #expect(r.status == 409 && r.code == "conflict")
    }
}
