import Foundation
import KandasTestSupport
import Testing

/// The dashboard's six counters follow the store: uploads verified today, files pending, open
/// conflicts, overdue items, late plans, silent devices.
@Suite(.serialized) final class DashboardPageTests {
    let server: ServerProcess
    let data: ConsoleData

    init() throws {
        server = try ServerProcess()
        data = try ConsoleData(server)
    }

    /// The counters in page order.
    static func counters(_ html: String) -> [Int] {
        html.components(separatedBy: "<span class=\"n\">").dropFirst().compactMap { Int($0.prefix { $0.isNumber }) }
    }

    @Test func counters_followUploadsPendingFilesDevicesAndDeadlines() throws {
        let seed = try #require(server.seed)
        var c = ConsoleClient(port: server.port)
        try c.login("region1")
        #expect(Self.counters(try c.get("/console/dashboard").text).prefix(7) == [0, 0, 0, 0, 0, 0, 0])

        let family = try data.family(seed.families[0])
        let verified = ConsoleData.File(
            kind: "photo", contentType: "image/png", bytes: Array(repeating: 1, count: 100), name: "a.png")
        let pending = ConsoleData.File(
            kind: "video", contentType: "video/webm", bytes: Array(repeating: 2, count: 100), name: "b.webm")
        try data.complete(
            family: seed.families[0], item: family.items[0], worker: family.worker,
            performedAt: "2026-11-20T06:00:00.000Z", note: nil, location: nil, files: [verified, pending])
        try data.verify(verified)
        let now = Self.counters(try c.get("/console/dashboard").text)
        // The seventh counter: incomplete completions (Rules 2, paras 36-37: no location, a file unverified).
        #expect(now.prefix(7) == [1, 1, 0, 0, 0, 0, 1])

        // Region 2's work is not counted for region 1.
        let other = try data.family(seed.families[15])
        let foreign = ConsoleData.File(
            kind: "photo", contentType: "image/png", bytes: Array(repeating: 3, count: 100), name: "c.png")
        try data.complete(
            family: seed.families[15], item: other.items[0], worker: other.worker,
            performedAt: "2026-11-20T06:00:00.000Z", note: nil, location: nil, files: [foreign])
        try data.verify(foreign)
        #expect(Self.counters(try c.get("/console/dashboard").text) == now)

        // Ten days on: the device is silent, yesterday's uploads are no longer "today", and the
        // demo plan items (due in December 2026) are overdue once December has passed.
        try server.setClockOffset(seconds: 10 * 86_400)
        defer { try? server.setClockOffset(seconds: 0) }
        try c.login("region1")
        let later = Self.counters(try c.get("/console/dashboard").text)
        #expect(later[0] == 0)
        #expect(later[5] == 1)
        try server.setClockOffset(seconds: 60 * 86_400)
        try c.login("region1")
        #expect(Self.counters(try c.get("/console/dashboard").text)[3] > 0)
    }
}
