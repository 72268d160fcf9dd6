import Foundation
import KandasTestSupport
import Testing

/// The console in a real headless Chromium: log in, filter, open a completion, play and seek its
/// video (HTTP Range), check hostile text stays text, review it, and see the decision via the API.
/// Screenshots of the dashboard and the completion go to `.build/artifacts/`.
@Suite(.serialized) final class ConsoleEndToEndTests {
    let server: ServerProcess
    let data: ConsoleData
    let work: String

    static let artifacts: String = {
        // Tests/KandasServerTests/ConsoleEndToEndTests.swift -> package root.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/artifacts").path
    }()

    static let hostile = "<script>window.__xss=1</script><img src=x onerror=\"window.__xss=2\">'&\""

    init() throws {
        server = try ServerProcess()
        data = try ConsoleData(server)
        work =
            FileManager.default.temporaryDirectory.appendingPathComponent(
                "kandas-console-" + UUID().uuidString.lowercased()
            ).path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: work) }

    /// Runs ffmpeg to make a small test file; nil when ffmpeg is missing.
    func ffmpeg(_ arguments: [String], output: String) throws -> [UInt8] {
        let outcome = try ProcessRunner.run(
            "/usr/bin/ffmpeg", ["-hide_banner", "-loglevel", "error", "-y"] + arguments + [work + "/" + output])
        guard outcome.succeeded else { throw TestSupportError("ffmpeg failed for \(output)") }
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: work + "/" + output)))
    }

    static let pdf: [UInt8] = {
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            "<< /Length 44 >>\nstream\nBT /F1 18 Tf 20 60 Td (Kandas test) Tj ET\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
        var out = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (i, o) in objects.enumerated() {
            offsets.append(out.utf8.count)
            out += "\(i + 1) 0 obj\n\(o)\nendobj\n"
        }
        let xref = out.utf8.count
        out += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for o in offsets { out += String(format: "%010d 00000 n \n", o) }
        out += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return Array(out.utf8)
    }()

    @Test func adminReviewsAVideoCompletionInARealBrowser() throws {
        guard HeadlessBrowser.binary != nil, FileManager.default.isExecutableFile(atPath: "/usr/bin/ffmpeg") else {
            Issue.record("chromium and ffmpeg are needed: apt-get install -y chromium ffmpeg")
            return
        }
        let seed = try #require(server.seed)
        let familyID = seed.families[2]
        let family = try data.family(familyID)
        let item = try #require(family.items.first)
        let video = ConsoleData.File(
            kind: "video", contentType: "video/webm",
            bytes: try ffmpeg(
                [
                    "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=4", "-c:v", "libvpx", "-b:v", "300k",
                    "-g", "25",
                ], output: "clip.webm"), name: "clip.webm")
        let photo = ConsoleData.File(
            kind: "photo", contentType: "image/png",
            bytes: try ffmpeg(["-f", "lavfi", "-i", "testsrc=size=320x240", "-frames:v", "1"], output: "photo.png"),
            name: "photo.png")
        let document = ConsoleData.File(
            kind: "document", contentType: "application/pdf", bytes: Self.pdf, name: "spravka.pdf")
        let lat = (family.settlement["latitude"] as? Double ?? 43.2) + 0.25  // ~28 km north: an outlier
        let lon = family.settlement["longitude"] as? Double ?? 76.9
        let completion = try data.complete(
            family: familyID, item: item, worker: family.worker, performedAt: "2026-11-20T06:00:00.000Z",
            note: Self.hostile, location: (lat, lon), files: [photo, video, document])
        for file in [photo, video, document] { try data.verify(file) }
        let members = try data.admin.get("/v1/admin/families/\(familyID)").object["members"] as? [[String: Any]] ?? []
        let memberIIN = members.first { $0["id"] as? String == item["member_id"] as? String }?["iin"] as? String ?? ""

        let browser = try HeadlessBrowser()
        defer { browser.close() }
        let base = "http://127.0.0.1:\(server.port)"

        // Log in.
        try browser.navigate(base + "/console/login?lang=ru")
        try browser.submitting(
            """
            document.querySelector('[name=username]').value = 'admin';
            document.querySelector('[name=password]').value = '\(seed.password)';
            document.querySelector('form.login').submit();
            """)
        #expect(try browser.evaluate("location.pathname") as? String == "/console/dashboard")
        // Issue 16 added incomplete completions, overdue reports and unpublished plans past their deadline.
        #expect(try browser.evaluate("document.querySelectorAll('#counters .card').length") as? Int == 9)
        try browser.screenshot(to: Self.artifacts + "/console-dashboard.png")

        // Filter by the member's IIN: exactly our completion.
        try browser.navigate(base + "/console/completions")
        try browser.submitting(
            "document.querySelector('#f-member_iin').value = '\(memberIIN)'; document.querySelector('#filters').submit();"
        )
        #expect(try browser.evaluate("location.search.includes('member_iin=\(memberIIN)')") as? Bool == true)
        #expect(try browser.evaluate("document.querySelectorAll('#completions tbody tr').length") as? Int == 1)
        try browser.screenshot(to: Self.artifacts + "/console-completions.png")

        // Open it: evidence inline, hostile note shown as text, outlier flagged, map link is a plain link.
        try browser.submitting("document.querySelector('#completions a.open').click();")
        #expect(try browser.evaluate("location.pathname") as? String == "/console/completions/\(completion)")
        #expect(try browser.evaluate("typeof window.__xss") as? String == "undefined")
        #expect(try browser.evaluate("document.querySelector('#note').textContent") as? String == Self.hostile)
        #expect(try browser.evaluate("!!document.querySelector('#outlier')") as? Bool == true)
        #expect(
            try browser.evaluate(
                "document.querySelector('#map-link').href.startsWith('https://www.openstreetmap.org/')")
                as? Bool == true)
        try browser.waitFor(
            "document.querySelector('.media img') && document.querySelector('.media img').naturalWidth === 320")

        // The video plays and seeks (Range requests against the engine's file responses).
        let playback =
            try browser.evaluate(
                """
                (async () => {
                  const v = document.querySelector('video');
                  v.muted = true;
                  if (v.readyState < 1) await new Promise(r => v.addEventListener('loadedmetadata', r, {once: true}));
                  await v.play();
                  await new Promise(r => setTimeout(r, 300));
                  v.pause();
                  const seeked = new Promise(r => v.addEventListener('seeked', r, {once: true}));
                  v.currentTime = 2.5;
                  await seeked;
                  if (v.readyState < 2) await new Promise(r => v.addEventListener('canplay', r, {once: true}));
                  return {readyState: v.readyState, currentTime: v.currentTime, duration: v.duration, error: v.error && v.error.code};
                })()
                """) as? [String: Any]
        let state = try #require(playback)
        #expect((state["readyState"] as? Int ?? 0) >= 2, "\(state)")
        #expect(abs((state["currentTime"] as? Double ?? 0) - 2.5) < 0.1, "\(state)")
        #expect(abs((state["duration"] as? Double ?? 0) - 4.0) < 0.2, "\(state)")
        try browser.screenshot(to: Self.artifacts + "/console-completion.png")

        // Review: has issues, with a comment.
        try browser.submitting(
            """
            document.querySelector('input[name=decision][value=has_issues]').checked = true;
            document.querySelector('#review-form textarea').value = 'Видео нечёткое <b>';
            document.querySelector('#review-form').submit();
            """)
        #expect(try browser.evaluate("!!document.querySelector('#reviewed')") as? Bool == true)
        #expect(
            try browser.evaluate("document.querySelector('#review-state').textContent.trim()") as? String
                == "has_issues")

        // The Annex 3 report of the family's region, and the devices page with a fresh enrollment QR.
        try browser.navigate(base + "/console/reports/monthly?region_id=\(seed.regions[0])&month=2026-11")
        #expect(try browser.evaluate("document.querySelectorAll('#monthly tbody tr').length") as? Int ?? 0 > 0)
        try browser.screenshot(to: Self.artifacts + "/console-monthly-report.png")
        // Rules 2, paras 36-37, 39: what the report leaves out, its due date, and recording its delivery.
        #expect(try browser.evaluate("!!document.querySelector('#left-out-table')") as? Bool == true)
        #expect(
            try browser.evaluate("document.querySelector('#month-due').textContent.includes('2026-12-05')") as? Bool
                == true)
        try browser.submitting(
            """
            document.querySelector('#submit-form [name=recipient]').value = 'Басқарма <b>';
            document.querySelector('#submit-form').submit();
            """)
        #expect(try browser.evaluate("location.hash") as? String == "#submissions")
        #expect(try browser.evaluate("document.querySelectorAll('#submissions-table tbody tr').length") as? Int == 1)
        #expect(
            try browser.evaluate("document.querySelector('#submissions-table').textContent.includes('Басқарма <b>')")
                as? Bool == true)
        try browser.screenshot(to: Self.artifacts + "/console-report-submitted.png")
        try browser.navigate(base + "/console/reports")
        #expect(try browser.evaluate("!!document.querySelector('#form-due')") as? Bool == true)
        try browser.screenshot(to: Self.artifacts + "/console-reports.png")
        try browser.navigate(base + "/console/families/\(familyID)")
        #expect(try browser.evaluate("document.querySelectorAll('table.items tbody tr').length") as? Int ?? 0 > 0)
        // Rules 2, paras 40-45: the monitoring periods on record, and recording one through the form.
        #expect(try browser.evaluate("document.querySelectorAll('#monitoring-table tbody tr').length") as? Int == 16)
        try browser.submitting(
            """
            document.querySelector('#monitoring-form [name=done_on]').value = new Date().toISOString().slice(0, 10);
            document.querySelector('#monitoring-form [name=problems]').value = 'Балабақша <i>жоқ</i>';
            document.querySelector('#monitoring-form').submit();
            """)
        #expect(
            try browser.evaluate(
                "document.querySelector('#monitoring-table').textContent.includes('Балабақша <i>жоқ</i>')")
                as? Bool == true)
        try browser.screenshot(to: Self.artifacts + "/console-family.png")
        // Rules 2, paras 46, 12 and Annex 2: the family left the region; a consent withdrawn, then
        // given again with the signed form uploaded as a real file field (multipart/form-data, no JS on the page).
        try browser.submitting(
            """
            document.querySelector('#residence-form [name=since]').value = new Date().toISOString().slice(0, 10);
            document.querySelector('#residence-form').submit();
            """)
        #expect(try browser.evaluate("document.querySelector('#residence-left') !== null") as? Bool == true)
        try browser.submitting(
            """
            const w = document.querySelector('#consent-table form[action$="/withdraw"]');
            w.querySelector('[name=withdrawn_on]').value = new Date().toISOString().slice(0, 10);
            w.submit();
            """)
        #expect(try browser.evaluate("document.querySelector('#consent-missing') !== null") as? Bool == true)
        try browser.submitting(
            """
            const c = document.querySelector('.consent-form');
            c.querySelector('[name=given_on]').value = new Date().toISOString().slice(0, 10);
            const t = new DataTransfer();
            t.items.add(new File(['%PDF-1.4\\n% signed\\n%%EOF\\n'], 'consent.pdf', {type: 'application/pdf'}));
            c.querySelector('[name=form]').files = t.files;
            c.submit();
            """)
        #expect(try browser.evaluate("document.querySelector('#consent-complete') !== null") as? Bool == true)
        try browser.screenshot(to: Self.artifacts + "/console-family-consent.png")
        // Rules 2, paras 47-51: the centre's evaluation history, one recorded through the form.
        let centre =
            (try data.admin.get("/v1/admin/families/\(familyID)").object["family"] as? [String: Any])?[
                "career_centre_id"] as? String ?? ""
        try browser.navigate(base + "/console/career-centres/\(centre)/evaluations")
        try browser.submitting(
            """
            const e = document.querySelector('#evaluation-form');
            e.querySelector('[name=evaluator]').value = 'ERDO <b>evaluator</b>';
            e.querySelector('[name=evaluated_on]').value = new Date().toISOString().slice(0, 10);
            e.submit();
            """)
        #expect(
            try browser.evaluate("document.querySelectorAll('#evaluations-table tbody tr').length") as? Int == 1)
        #expect(
            try browser.evaluate(
                "document.querySelector('#evaluations-table').textContent.includes('ERDO <b>evaluator</b>')")
                as? Bool == true)
        try browser.screenshot(to: Self.artifacts + "/console-evaluations.png")
        // Rules 2, para 38: the road map, three copies of one A4 page each; para 37: the digital-card queue.
        try browser.navigate(base + "/console/families/\(familyID)/road-map?lang=ru")
        #expect(try browser.evaluate("document.querySelectorAll('section.road-map').length") as? Int == 3)
        #expect(
            try browser.evaluate("getComputedStyle(document.querySelector('#copy-1')).breakAfter") as? String == "page")
        try browser.screenshot(to: Self.artifacts + "/console-road-map.png")
        try browser.navigate(base + "/console/card-forwards")
        #expect(try browser.evaluate("document.querySelectorAll('#card-counters a').length") as? Int == 5)
        try browser.screenshot(to: Self.artifacts + "/console-card-forwards.png")
        try browser.navigate(base + "/console/devices")
        try browser.submitting("document.querySelector('form[action=\"/console/enrollment-codes\"]').submit();")
        try browser.waitFor("document.querySelector('#enrollment-qr').naturalWidth > 0")
        try browser.screenshot(to: Self.artifacts + "/console-enrollment-code.png")

        // The decision through the API, as devices and scripts see it.
        let api = try data.admin.get("/v1/admin/completions/\(completion)")
        #expect(api.object["review_state"] as? String == "has_issues")
        let reviews =
            try data.admin.get("/v1/admin/completions/\(completion)/reviews").object["items"] as? [[String: Any]]
        #expect(reviews?.first?["comment"] as? String == "Видео нечёткое <b>")
        #expect(reviews?.first?["decision"] as? String == "has_issues")
        // And the worker's device receives it on its next pull.
        let pulled = try data.pull(family.worker)
        let review = pulled.first { $0["entity"] as? String == "review" }?["data"] as? [String: Any]
        #expect(review?["completion_id"] as? String == completion)
        #expect(review?["decision"] as? String == "has_issues")
        let pulledCompletion = pulled.last {
            $0["entity"] as? String == "completion" && $0["id"] as? String == completion
        }
        #expect((pulledCompletion?["data"] as? [String: Any])?["review_state"] as? String == "has_issues")
    }
}
