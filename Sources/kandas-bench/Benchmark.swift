import Foundation

/// One `kandas-bench` subcommand.
struct Benchmark: Sendable {
    /// Subcommand name, e.g. `hash`.
    let name: String
    /// One line for the help text, including the options it takes.
    let usage: String
    /// Runs with the arguments after the subcommand name.
    let run: @Sendable (Arguments) throws -> Void

    init(name: String, usage: String, run: @escaping @Sendable (Arguments) throws -> Void) {
        self.name = name
        self.usage = usage
        self.run = run
    }

    /// A benchmark that parses its own arguments (e.g. one that re-runs itself as a child server).
    init(name: String, usage: String, rawRun: @escaping @Sendable ([String]) throws -> Void) {
        self.name = name
        self.usage = usage
        self.run = { arguments in try rawRun(arguments.takeAll()) }
    }
}

/// Bad command line: printed with the usage, exit code 64 (EX_USAGE).
struct UsageError: Error, CustomStringConvertible {
    let description: String
}

/// A benchmark that could not complete (peer missing, digests differ...): exit code 1.
struct BenchmarkFailure: Error, CustomStringConvertible {
    let description: String
}

/// Dispatches `kandas-bench [NAME [OPTIONS]]`; with no name, runs every benchmark with defaults.
enum BenchmarkRunner {
    static func main(arguments: [String], benchmarks: [Benchmark]) -> Int32 {
        let selected: [(Benchmark, [String])]
        if let first = arguments.first {
            if first == "help" || first == "--help" || first == "-h" {
                print(usage(benchmarks))
                return 0
            }
            guard let benchmark = benchmarks.first(where: { $0.name == first }) else {
                printError("unknown benchmark '\(first)'\n" + usage(benchmarks))
                return 64
            }
            selected = [(benchmark, Array(arguments.dropFirst()))]
        } else {
            selected = benchmarks.map { ($0, []) }
        }
        for (benchmark, options) in selected {
            do {
                let parsed = try Arguments(options)
                try benchmark.run(parsed)
                try parsed.checkAllUsed()
            } catch let error as UsageError {
                printError("\(benchmark.name): \(error)\nusage: kandas-bench \(benchmark.usage)")
                return 64
            } catch {
                printError("\(benchmark.name) failed: \(error)")
                return 1
            }
        }
        return 0
    }

    static func usage(_ benchmarks: [Benchmark]) -> String {
        "usage: kandas-bench [BENCHMARK [OPTIONS]]   (no benchmark: run all with defaults)\n"
            + benchmarks.map { "  kandas-bench \($0.usage)" }.joined(separator: "\n")
    }

    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
