import Foundation
import KandasTestSupport
import Testing

/// Issue 15 item 3 end to end: the real server compresses what `curl --compressed` asks for, and the
/// real `kandas` CLI (which asks for gzip and sends gzip push bodies) syncs through it both ways.
@Suite(.serialized) struct GzipWireTests {
    /// `curl -sS -i` with the arguments; the head and the body.
    static func curl(_ arguments: [String]) throws -> (head: String, body: String) {
        let text = try ProcessRunner.run("curl", ["-sS", "-i"] + arguments).output
        let parts = text.components(separatedBy: "\r\n\r\n")
        return (parts.first ?? "", parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    @Test func curlCompressed_getsGzipFromTheServer_andTheCLISyncsThroughGzipBothWays() throws {
        let site = try FieldSite()
        defer { site.cleanup() }
        let login = try JSONSerialization.data(withJSONObject: ["username": "admin", "password": site.seed.password])
        let (_, loginBody) = try Self.curl([
            "-H", "Content-Type: application/json", "--data-binary", String(decoding: login, as: UTF8.self),
            site.serverURL + "/v1/auth/login",
        ])
        let token = try #require(
            (try JSONSerialization.jsonObject(with: Data(loginBody.utf8)) as? [String: Any])?["access_token"] as? String
        )
        let list = site.serverURL + "/v1/admin/families?limit=100"
        let compressed = try Self.curl(["--compressed", "-H", "Authorization: Bearer " + token, list])
        let plain = try Self.curl(["-H", "Authorization: Bearer " + token, list])
        #expect(compressed.head.lowercased().contains("content-encoding: gzip"), "\(compressed.head)")
        #expect(compressed.head.contains("Vary: Accept-Encoding"))
        #expect(!plain.head.lowercased().contains("content-encoding"))
        #expect(compressed.body == plain.body)
        #expect(plain.body.utf8.count > 1024)

        // Device A records three visits offline (a push body over 1 KiB, sent gzip-encoded) and syncs;
        // device B of the same worker pulls them (pull pages gzip-encoded, decoded by the client core).
        let a = try site.enrolledDevice("tablet-a", code: try #require(site.seed.codes["worker111"]))
        let b = try site.enrolledDevice("tablet-b", code: try site.newCode(for: "worker111"))
        let item = try #require(try a.recurringItems().first?["id"] as? String)
        for n in 0..<3 {
            _ = try a.ok([
                "complete", String(item.suffix(8)), "--geo", "43.2389,76.8897,12", "--note", "visit \(n)", "--json",
            ])
        }
        let pushed = try a.ok(["sync", "--json"]).object
        #expect(pushed["events_pushed"] as? Int == 3, "\(pushed)")
        #expect(try a.status()["outbox_events"] as? Int == 0)
        let pulled = try b.ok(["sync", "--json"]).object
        #expect((pulled["changes_pulled"] as? Int ?? 0) >= 3, "\(pulled)")
        let onB = try b.ok(["items", "--json"]).array.first { $0["id"] as? String == item }
        let notes = (onB?["completions"] as? [[String: Any]] ?? []).compactMap { $0["note"] as? String }
        #expect(Set(notes).isSuperset(of: ["visit 0", "visit 1", "visit 2"]), "\(String(describing: onB))")
    }
}
