import Foundation
import KandasTestSupport
import Testing

@testable import QRCode

/// Decodes our PNGs with a real, independent decoder: `zbarimg` from Debian's zbar-tools.
///
/// The encoder's own tests can only show it is self-consistent; a scanner that reads the symbol
/// back proves the codewords, interleaving, masks and format bits agree with the standard.
@Suite struct ZbarRoundTripTests {
    /// A named payload, so parameterized results read well.
    struct Payload: CustomTestStringConvertible, Sendable {
        var name: String
        var text: String
        var testDescription: String { name }
    }

    static let payloads = [
        Payload(name: "short ASCII", text: "hello"),
        Payload(name: "alphanumeric", text: "HELLO WORLD"),
        Payload(name: "enrollment", text: "kandas1:https://kandas.example.kz#ABCD-EFGH-JKLM-NPQR"),
        Payload(name: "Kazakh Cyrillic", text: "Қазақстан Республикасы — қандастарға арналған бейімделу жоспары"),
        Payload(
            name: "500 bytes",
            text: String((0..<500).map { Array("abcdefghijklmnopqrstuvwxyz0123456789-_.~")[($0 * 7 + $0 / 13) % 40] })),
    ]

    /// The `zbarimg` executable on PATH, or nil.
    static func zbarimg() -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":")
            .map { URL(fileURLWithPath: String($0)).appendingPathComponent("zbarimg") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Writes `png` to a temporary file, runs `zbarimg --raw -q` on it and returns what it printed.
    static func decode(_ png: [UInt8]) throws -> String? {
        guard let zbarimg = zbarimg() else {
            Issue.record("zbarimg not found on PATH: install zbar-tools (apt-get install -y zbar-tools)")
            return nil
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("qr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("code.png")
        try Data(png).write(to: file)
        let outcome = try ProcessRunner.run(zbarimg.path, ["--raw", "-q", file.path])
        try #require(outcome.succeeded, "zbarimg found no symbol (exit \(outcome.status))")
        var text = outcome.output
        if text.hasSuffix("\n") {
            text.removeLast()
        }
        return text
    }

    @Test(arguments: payloads, ErrorCorrection.allCases)
    func png_decodesBackToThePayload(payload: Payload, ecc: ErrorCorrection) throws {
        let code = try QRCode(payload.text, ecc: ecc)
        let decoded = try Self.decode(code.png(moduleSize: 4))
        #expect(decoded == payload.text, "version \(code.version) mask \(code.mask)")
    }

    @Test(arguments: 0..<8)
    func everyMask_decodes(mask: Int) throws {
        let text = "kandas1:https://kandas.example.kz#ABCD-EFGH-JKLM-NPQR"
        let code = try QRCode(text, ecc: .quartile, forcedMask: mask)
        #expect(try Self.decode(code.png(moduleSize: 4)) == text)
    }

    @Test func largestByteVersion_decodes() throws {
        let text = String((0..<2331).map { Array("0123456789abcdef")[($0 * 5 + $0 / 7) % 16] })
        let code = try QRCode(text, ecc: .medium)
        #expect(code.version == 40)
        #expect(try Self.decode(code.png(moduleSize: 3)) == text)
    }
}
