import Foundation

/// Finds `Protocol/` in the package checkout, from this file's path (no copies of the examples).
enum ProtocolFolder {
    static let url: URL = {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                return directory.appendingPathComponent("Protocol")
            }
            directory = directory.deletingLastPathComponent()
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    static var examples: URL { url.appendingPathComponent("examples") }

    static func exampleNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: examples.path)
            .filter { $0.hasSuffix(".json") }
            .map { String($0.dropLast(5)) }
            .sorted()
    }

    static func example(_ name: String) throws -> Data {
        try Data(contentsOf: examples.appendingPathComponent(name + ".json"))
    }

    static func text(_ file: String) throws -> String {
        try String(contentsOf: url.appendingPathComponent(file), encoding: .utf8)
    }
}
