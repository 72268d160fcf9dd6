import Crypto
import Foundation

/// SHA-256 of a large file: our `SHA256.hash(fileAt:)` against `openssl dgst -sha256`.
///
/// Both read the same page-cached file; runs alternate (peer, ours, peer, ours...) so drift on
/// the shared machine hits both, and the best run of each is compared. Target: ours >= 0.90x.
enum HashBenchmark {
    static let benchmark = Benchmark(
        name: "hash",
        usage: "hash [--size-mib 1024] [--runs 3] [--buffer-kib 256[,1024,...]]",
        run: run)

    static func run(_ arguments: Arguments) throws {
        let sizeMiB = try arguments.int("size-mib", default: 1024)
        let runs = try arguments.int("runs", default: 3)
        let bufferKiBs = try arguments.ints("buffer-kib", default: [FileHasher.defaultBufferSize / 1024])
        try arguments.checkAllUsed()
        try withScratchDirectory { directory in
            let path = directory + "/random.bin"
            let bytes = try writeRandomFile(path, sizeMiB: sizeMiB)
            try measureBoth(path: path, bytes: bytes, runs: runs, bufferKiBs: bufferKiBs)
        }
    }

    private static func measureBoth(path: String, bytes: Int, runs: Int, bufferKiBs: [Int]) throws {
        // Warm-up: page cache, the openssl binary, and first-touch of our buffers.
        let expected = try SHA256.hash(fileAt: path).hex
        let peerHex = try opensslDigest(path).hex
        guard peerHex == expected else {
            throw BenchmarkFailure(description: "digests differ: openssl \(peerHex), ours \(expected)")
        }
        var report = Report(
            title: "SHA-256 of a \(bytes >> 20) MiB page-cached file", columns: ["run", "who", "s", "GB/s"])
        var peerBest = Double.infinity
        var oursBest: [Int: Double] = [:]
        for run in 1...runs {
            let peer = try opensslDigest(path)
            peerBest = min(peerBest, peer.seconds)
            report.add(["\(run)", "openssl dgst", Report.format(peer.seconds, 3), rate(bytes, peer.seconds)])
            for kib in bufferKiBs {
                let ours = try measure { try SHA256.hash(fileAt: path, bufferSize: kib * 1024) }
                guard ours.value.hex == expected else { throw BenchmarkFailure(description: "our digest changed") }
                oursBest[kib] = min(oursBest[kib] ?? .infinity, ours.seconds)
                report.add([
                    "\(run)", "ours (\(kib) KiB reads)", Report.format(ours.seconds, 3), rate(bytes, ours.seconds),
                ])
            }
        }
        report.print()
        print("best openssl: \(rate(bytes, peerBest)) GB/s")
        for kib in bufferKiBs {
            let best = oursBest[kib] ?? .infinity
            print("best ours (\(kib) KiB reads): \(rate(bytes, best)) GB/s")
            // Rates are bytes per second, so the ratio of rates is peer time over our time.
            print(Report.ratioLine("ours/openssl (\(kib) KiB)", ours: peerBest, peer: best, target: 0.90))
        }
    }

    private static func opensslDigest(_ path: String) throws -> (hex: String, seconds: Double) {
        let result = try runCommand("openssl", ["dgst", "-sha256", "-r", path])
        guard let hex = result.standardOutput.split(separator: " ").first else {
            throw BenchmarkFailure(description: "unexpected openssl output: \(result.standardOutput)")
        }
        return (String(hex), result.seconds)
    }

    private static func rate(_ bytes: Int, _ seconds: Double) -> String {
        Report.format(Double(bytes) / seconds / 1e9, 2)
    }

    /// Writes `sizeMiB` MiB of CSPRNG bytes; returns the byte count.
    private static func writeRandomFile(_ path: String, sizeMiB: Int) throws -> Int {
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        else { throw BenchmarkFailure(description: "cannot create \(path)") }
        defer { try? handle.close() }
        for _ in 0..<sizeMiB { try handle.write(contentsOf: SecureRandom.bytes(1 << 20)) }
        return sizeMiB << 20
    }
}
