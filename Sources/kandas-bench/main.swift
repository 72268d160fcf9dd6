// kandas-bench: benchmarks run side by side with a well-known peer (`make bench`).
// Thin dispatcher: each benchmark lives in its own file; register it here with one line.
import Foundation

let benchmarks: [Benchmark] = [
    HashBenchmark.benchmark,
    SQLiteBenchmark.benchmark,
    ClientBenchmark.benchmark,
    FieldDayBenchmark.benchmark,
    SyncBenchmark.benchmark,
    PostgresBenchmark.benchmark,
    LoadBenchmark.benchmark,
    ConsoleBench.benchmark,
    Benchmark(
        name: "http",
        usage: "http [--duration S] [--runs N] [--upload-mib N] [--loops N] [--handlers N] [--only small|idle|upload]",
        rawRun: runHTTPBenchmark),
    UploadBenchmark.benchmark,
    S3UploadBenchmark.benchmark,
    FuzzBenchmark.benchmark,
]

// Children (servers, clusters, peers) stop with the bench when it is killed, not only when it returns.
Children.installSignalHandlers()
Children.exit(BenchmarkRunner.main(arguments: Array(CommandLine.arguments.dropFirst()), benchmarks: benchmarks))
