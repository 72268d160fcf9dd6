import Foundation
import KandasTestSupport
import Testing

/// Bad input through the real CLI: a clear message, the documented exit status (1 failed, 64 bad
/// command line), and nothing half-written in the home (status and files unchanged).
@Suite(.serialized) struct BadInputTests {
    /// One bad command, the exit status it must get and a phrase its message must contain.
    struct Case: Sendable, CustomStringConvertible {
        var arguments: [String]
        var status: Int32
        var message: String
        var description: String { arguments.joined(separator: " ") }
    }

    @Test func badFieldInput_failsClearly_andChangesNothing() throws {
        let site = try FieldSite()
        defer { site.cleanup() }
        let device = try site.enrolledDevice("tablet", code: try #require(site.seed.codes["worker111"]))
        let item = String(try #require(try device.onceOnlyItem()["id"] as? String).prefix(8))
        let photo = try site.evidence("ok.jpg", .jpeg)
        let pdf = try site.evidence("doc.pdf", .pdf)
        // A folder where a file is expected cannot be read as one (tests run as root, so chmod 000 would not do).
        let folder = site.root + "/evidence/not-a-file.jpg"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)

        let cases = [
            Case(
                arguments: ["complete", item, "--photo", site.root + "/missing.jpg"], status: 1, message: "no file at"),
            Case(arguments: ["complete", item, "--photo", folder], status: 1, message: "is not a regular file"),
            Case(arguments: ["complete", item, "--photo", pdf], status: 1, message: "cannot be a photo"),
            Case(arguments: ["complete", item, "--photo", photo, "--geo", "91,76.9"], status: 64, message: "--geo"),
            Case(arguments: ["complete", item, "--geo", "north"], status: 64, message: "is not LAT,LON"),
            Case(arguments: ["complete", item, "--geo", "43.2,181"], status: 64, message: "--geo"),
            Case(arguments: ["complete", item, "--member", "ffffffff"], status: 1, message: "unknown member"),
            Case(arguments: ["complete", "ffffffff", "--photo", photo], status: 1, message: "unknown item"),
            Case(arguments: ["complete", item, "--at", "yesterday"], status: 64, message: "--at"),
            Case(arguments: ["resolve", "ffffffff", "--keep", "--comment", "x"], status: 1, message: "ffffffff"),
        ]
        let statusBefore = try device.ok(["status", "--json"]).out
        let filesBefore = device.homeListing()
        for bad in cases {
            let result = try device.run(bad.arguments)
            #expect(result.status == bad.status, "\(bad): \(result)")
            #expect(result.err.contains(bad.message), "\(bad): \(result)")
            #expect(result.err.hasPrefix("kandas: error:"), "\(bad): \(result)")
            #expect(result.out.isEmpty, "\(bad): \(result)")
            #expect(try device.ok(["status", "--json"]).out == statusBefore, "\(bad) changed the status")
            #expect(device.homeListing() == filesBefore, "\(bad) left files behind")
        }
    }

    @Test func badEnrollment_failsClearly_andLeavesTheHomeUnenrolled() throws {
        let site = try FieldSite()
        defer { site.cleanup() }
        let used = try #require(site.seed.codes["worker111"])
        _ = try site.enrolledDevice("first", code: used)
        let expiring = try site.newCode(for: "worker112", ttl: 60)
        let fresh = try site.newCode(for: "worker112")

        // Port 1 on loopback: nothing listens, the connection is refused at once.
        let cases = [
            Case(
                arguments: ["enroll", "--server", "http://127.0.0.1:1", "--code", fresh], status: 1, message: "reach"),
            Case(arguments: ["enroll", "--server", "ftp://example", "--code", fresh], status: 64, message: "server"),
            Case(
                arguments: ["enroll", "--server", site.serverURL, "--code", used], status: 1, message: "already used"),
            Case(
                arguments: ["enroll", "--server", site.serverURL, "--code", "AAAABBBBCCCCDDDDEEEEFFFFGG"], status: 1,
                message: "code"),
        ]
        for (index, bad) in cases.enumerated() {
            let device = site.device("bad-\(index)")
            let result = try device.run(bad.arguments)
            #expect(result.status == bad.status, "\(bad): \(result)")
            #expect(result.err.contains(bad.message), "\(bad): \(result)")
            let status = try device.status()
            #expect(status["enrolled"] as? Bool == false, "\(bad): \(status)")
            #expect(status["outbox_events"] as? Int == 0)
            #expect(device.homeListing().allSatisfy { $0 == "files" || $0.hasPrefix("client.sqlite") }, "\(bad)")
        }

        // The server's clock moves past the code's 60 s lifetime: the code is refused as expired.
        try site.server.setClockOffset(seconds: 3600)
        defer { try? site.server.setClockOffset(seconds: 0) }
        let late = site.device("late")
        let result = try late.run(["enroll", "--server", site.serverURL, "--code", expiring])
        #expect(result.status == 1, "\(result)")
        #expect(result.err.contains("expired"), "\(result)")
        #expect(try late.status()["enrolled"] as? Bool == false)
        // The fresh code (15 minutes) still works within its lifetime after the clock is put back.
        try site.server.setClockOffset(seconds: 0)
        _ = try site.enrolledDevice("good", code: fresh)
    }

    @Test func syncAgainstAServerThatIsGone_failsClearly_andKeepsTheOutbox() throws {
        let site = try FieldSite()
        defer { site.cleanup() }
        let device = try site.enrolledDevice("tablet", code: try #require(site.seed.codes["worker111"]))
        let item = String(try #require(try device.onceOnlyItem()["id"] as? String).prefix(8))
        _ = try device.ok(["complete", item, "--photo", try site.evidence("p.jpg", .jpeg), "--geo", "43.2,76.9"])
        let before = try device.status()
        site.server.stop()
        let result = try device.run(["sync"])
        #expect(result.status == 1, "\(result)")
        #expect(result.err.contains("hint:"), "\(result)")
        let after = try device.status()
        #expect(after["outbox_events"] as? Int == 1)
        #expect(after["files_pending"] as? Int == before["files_pending"] as? Int)
        #expect(after["last_error"] != nil)
    }
}
