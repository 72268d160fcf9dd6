import KandasClient
import KandasProtocol
import Testing

@testable import KandasCLI

@Suite struct ProgressRendererTests {
    let id = WireID("3f2a1b2c-0000-4000-8000-00003f2a1b2c")!
    let mib: Int64 = 1 << 20

    /// Renders `events` where event i arrives at `times[i]` seconds.
    func render(_ style: ProgressRenderer.Style, _ events: [(Double, SyncProgress)]) -> [String] {
        var renderer = ProgressRenderer(style: style)
        return events.map { renderer.render($0.1, at: $0.0) }
    }

    @Test func terminalBar_showsPercentBytesSpeedAndETA_redrawnInPlace() {
        let out = render(
            .terminal,
            [
                (10, .uploadStarted(attachmentID: id, kind: .video, offset: 0, size: 4 * mib)),
                (12, .uploadProgress(attachmentID: id, fileBytes: 2 * mib, size: 4 * mib, syncBytesSent: 2 * mib)),
                (13, .uploadProgress(attachmentID: id, fileBytes: 3 * mib, size: 4 * mib, syncBytesSent: 3 * mib)),
                (14, .uploadFinished(attachmentID: id)),
            ])
        let clear = "\r\u{1B}[K"
        #expect(out[0] == clear + "video 3f2a1b2c [>                       ]   0%  0 B/4.0 MiB  0 B/s  ETA --:--")
        #expect(
            out[1] == clear + "video 3f2a1b2c [============>           ]  50%  2.0 MiB/4.0 MiB  1.0 MiB/s  ETA 0:02")
        #expect(
            out[2] == clear + "video 3f2a1b2c [==================>     ]  75%  3.0 MiB/4.0 MiB  1.0 MiB/s  ETA 0:01")
        #expect(out[3] == clear + "video 3f2a1b2c [========================] 100%  4.0 MiB/4.0 MiB  1.0 MiB/s  done\n")
    }

    @Test func resumedUpload_measuresSpeedFromTheResumeOffset() {
        let out = render(
            .terminal,
            [
                (0, .uploadStarted(attachmentID: id, kind: .photo, offset: 3 * mib, size: 4 * mib)),
                (2, .uploadProgress(attachmentID: id, fileBytes: 4 * mib - 512 << 10, size: 4 * mib, syncBytesSent: 0)),
            ])
        #expect(out[1].hasSuffix("87%  3.5 MiB/4.0 MiB  256.0 KiB/s  ETA 0:02"))
    }

    @Test func otherEvents_endAnOpenBarLineFirst() {
        var renderer = ProgressRenderer(style: .terminal)
        _ = renderer.render(.uploadStarted(attachmentID: id, kind: .photo, offset: 0, size: mib), at: 0)
        let line = renderer.render(.retrying(after: .seconds(2), reason: "503 unavailable"), at: 1)
        #expect(line == "\r\u{1B}[Kretrying in 2.0 s: 503 unavailable\n")
        #expect(renderer.finish() == "")
        _ = renderer.render(.uploadProgress(attachmentID: id, fileBytes: 10, size: mib, syncBytesSent: 10), at: 2)
        #expect(renderer.finish() == "\n")
    }

    @Test func plainStyle_printsLinesAtQuarterSteps_notEveryCallback() {
        var events: [(Double, SyncProgress)] = [
            (0, .pushed(events: 3, total: 3)), (0, .pulled(changes: 12, pages: 1)),
            (0, .uploadStarted(attachmentID: id, kind: .document, offset: 0, size: 100)),
        ]
        for step in 1...10 {
            events.append(
                (
                    Double(step),
                    .uploadProgress(attachmentID: id, fileBytes: Int64(step * 10), size: 100, syncBytesSent: 0)
                ))
        }
        events.append((10, .uploadFinished(attachmentID: id)))
        let lines = render(.plain, events).filter { !$0.isEmpty }
        #expect(
            lines == [
                "pushed 3 events (3 this sync)\n", "pulled 12 changes (page 1)\n",
                "upload document 3f2a1b2c: starting, 100 B\n", "upload document 3f2a1b2c: 25% at 10 B/s\n",
                "upload document 3f2a1b2c: 50% at 10 B/s\n", "upload document 3f2a1b2c: 75% at 10 B/s\n",
                "upload document 3f2a1b2c: verified, 100 B in 10.0 s (10 B/s)\n",
            ])
    }

    @Test func heldFiles_areSaidOnce() {
        let out = render(.plain, [(0, .uploadHeld(attachmentID: id, kind: .video, size: 200 * mib))])
        #expect(out == ["held video 3f2a1b2c (200.0 MiB) by the network policy\n"])
    }
}
