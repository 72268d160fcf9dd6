import Foundation
import KandasClient
import KandasProtocol
import Synchronization
import Testing

@testable import KandasCLI

@Suite struct SyncCommandTests {
    @Test func summary_countsWhatMoved_andPointsAtTheInbox() {
        var report = SyncReport()
        report.eventsAccepted = 3
        report.changesPulled = 12
        report.filesUploaded = 2
        report.uploadBytesSent = 3 << 20
        report.filesHeld = 1
        let text = SyncCommand.summary(report, seconds: 4.25, conflicts: 1, quarantined: 0)
        #expect(
            text == """
                Sync done in 4.2 s: pushed 3 event(s), pulled 12 change(s), uploaded 2 file(s) (3.0 MiB sent). \
                1 file(s) held by the network policy.
                Quarantined events: 0. Open conflicts: 1. See kandas conflicts.
                """)
    }

    @Test func progressPrinter_writesRenderedEvents_withTheInjectedClock() {
        let console = Console.capture(isTTY: true)
        let times = Mutex<[Double]>([0, 2, 4])
        let printer = ProgressPrinter(
            renderer: ProgressRenderer(style: .terminal), console: console,
            clock: { times.withLock { $0.isEmpty ? 4 : $0.removeFirst() } })
        let id = WireID.random()
        printer.handle(.uploadStarted(attachmentID: id, kind: .photo, offset: 0, size: 2048))
        printer.handle(.uploadProgress(attachmentID: id, fileBytes: 1024, size: 2048, syncBytesSent: 1024))
        printer.finish()
        let text = console.text
        #expect(text.hasSuffix("50%  1.0 KiB/2.0 KiB  512 B/s  ETA 0:02\n"))
        #expect(text.components(separatedBy: "\r\u{1B}[K").count == 3)
    }
}
