/// `--name value` options of one benchmark, validated before it runs.
final class Arguments {
    private var values: [String: String] = [:]
    private var used: Set<String> = []
    private var raw: [String] = []
    private var parseError: UsageError?

    /// Parses `--name value` pairs; a malformed list is reported when an option is first read, so
    /// a benchmark that takes its arguments raw (`takeAll`) is not refused by this parser.
    init(_ arguments: [String]) throws {
        raw = arguments
        do { try parse(arguments) } catch let error as UsageError { parseError = error }
    }

    /// The arguments as given, for benchmarks that parse their own; marks every option used.
    func takeAll() -> [String] {
        parseError = nil
        used.formUnion(values.keys)
        return raw
    }

    private func parse(_ arguments: [String]) throws {
        var index = 0
        while index < arguments.count {
            let key = arguments[index]
            guard key.hasPrefix("--"), index + 1 < arguments.count else {
                throw UsageError(description: "expected --option value, got '\(key)'")
            }
            values[String(key.dropFirst(2))] = arguments[index + 1]
            index += 2
        }
    }

    /// A positive integer option, or `defaultValue` when absent.
    func int(_ name: String, default defaultValue: Int) throws -> Int {
        if let parseError { throw parseError }
        used.insert(name)
        guard let text = values[name] else { return defaultValue }
        guard let value = Int(text), value > 0 else {
            throw UsageError(description: "--\(name) must be a positive integer, got '\(text)'")
        }
        return value
    }

    /// A comma-separated list of positive integers, or `defaultValue` when absent.
    func ints(_ name: String, default defaultValue: [Int]) throws -> [Int] {
        if let parseError { throw parseError }
        used.insert(name)
        guard let text = values[name] else { return defaultValue }
        let parsed = text.split(separator: ",").compactMap { Int($0) }.filter { $0 > 0 }
        guard !parsed.isEmpty, parsed.count == text.split(separator: ",").count else {
            throw UsageError(description: "--\(name) must be positive integers separated by commas, got '\(text)'")
        }
        return parsed
    }

    /// A free text option (a path), or `nil` when absent.
    func text(_ name: String) throws -> String? {
        if let parseError { throw parseError }
        used.insert(name)
        return values[name]
    }

    /// One of `choices`, or `defaultValue` when absent.
    func choice(_ name: String, _ choices: [String], default defaultValue: String) throws -> String {
        if let parseError { throw parseError }
        used.insert(name)
        guard let text = values[name] else { return defaultValue }
        guard choices.contains(text) else {
            throw UsageError(description: "--\(name) must be \(choices.joined(separator: " or ")), got '\(text)'")
        }
        return text
    }

    /// Refuses options the benchmark never asked for (typos would otherwise be ignored).
    func checkAllUsed() throws {
        if let parseError { throw parseError }
        let unknown = Set(values.keys).subtracting(used)
        guard unknown.isEmpty else {
            throw UsageError(
                description: "unknown option(s): " + unknown.sorted().map { "--\($0)" }.joined(separator: " "))
        }
    }
}
