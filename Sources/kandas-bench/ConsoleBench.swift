import Foundation
import KandasServer

/// `kandas-bench console`: server time to render the console's completions list on a store of
/// 100,000 completions (median and p95 per page; target: under 300 ms).
enum ConsoleBench {
    static let benchmark = Benchmark(
        name: "console", usage: "console [--completions 100000] [--renders 30] [--keep DIR]", run: run)

    static func run(_ arguments: Arguments) throws {
        let count = try arguments.int("completions", default: 100_000)
        let renders = try arguments.int("renders", default: 30)
        // `--keep DIR`: build the store in DIR (which must not exist) and leave it there, to read
        // its query plans afterwards (`sqlite3 DIR/kandas.sqlite`).
        let keep = try arguments.text("keep")
        try arguments.checkAllUsed()
        try withScratchDirectory { directory in
            let results = try ConsoleBenchmark.run(
                dataDirectory: keep ?? (directory + "/data"), completions: count, renders: renders)
            var report = Report(
                title: "Console list page, \(count) completions (server ms per render, \(renders) renders)",
                columns: ["page", "median", "p95", "max", "KiB"])
            var worst = 0.0
            for r in results {
                let sorted = r.milliseconds.sorted()
                let p95 = sorted[min(sorted.count - 1, Int((Double(sorted.count) * 0.95).rounded(.up)) - 1)]
                worst = max(worst, p95)
                report.add([
                    r.label, Report.format(sorted[sorted.count / 2], 1), Report.format(p95, 1),
                    Report.format(sorted.last ?? 0, 1), String(r.bytes / 1024),
                ])
            }
            report.print()
            print("worst p95 = \(Report.format(worst, 1)) ms (target < 300 ms: \(worst < 300 ? "ok" : "ABOVE TARGET"))")
        }
    }
}
