import Foundation
import KandasClient
import KandasProtocol

/// The evidence flags `complete` and `amend` share: files, time, location.
struct EvidenceOptions: Sendable, Equatable {
    static let specs: [OptionSpec] = [
        .value("note", "TEXT", "what was done (at most 4000 characters)"),
        .value("at", "TIME", "when it was done: RFC 3339 or local 'YYYY-MM-DD HH:MM' (complete: default now)"),
        .repeatable("photo", "FILE", "attach a photo (JPEG, PNG, HEIC, WebP)"),
        .repeatable("video", "FILE", "attach a video (MP4, QuickTime, WebM)"),
        .repeatable("doc", "FILE", "attach a document (PDF, or a scan as an image)"),
        .value("geo", "LAT,LON[,ACC]", "where it was done, WGS 84 degrees and accuracy in metres"),
        .flag("mock-location", "the location came from a mock provider (it will be flagged)"),
    ]

    var note: String?
    var performedAt: Timestamp?
    var location: Geolocation?
    var files: [EvidenceInput]

    /// Validates the flags; a location's fix time is the time performed (or `now`).
    init(_ arguments: ParsedArguments, context: CommandContext, now: Timestamp) throws(CLIError) {
        note = arguments.value("note")
        if let note, note.count > 4000 {
            throw .usage("--note has \(note.count) characters; at most 4000 are allowed")
        }
        performedAt = try arguments.value("at").map { text throws(CLIError) in
            try InputParser.time(text, flag: "at", timeZone: context.environment.timeZone)
        }
        if let performedAt, performedAt.millisecondsSince1970 > now.millisecondsSince1970 + 5 * 60_000 {
            throw .usage("--at \(performedAt) is in the future")
        }
        let mock = arguments.flag("mock-location")
        if let geo = arguments.value("geo") {
            location = try InputParser.geo(geo, mock: mock, fixTime: performedAt ?? now)
        } else if mock {
            throw .usage("--mock-location describes --geo; give --geo LAT,LON[,ACC] too")
        }
        var files: [EvidenceInput] = []
        for (flag, kind) in [("photo", FileKind.photo), ("video", .video), ("doc", .document)] {
            for path in arguments.all(flag) {
                guard !path.isEmpty else { throw .usage("--\(flag) needs a file path") }
                files.append(EvidenceInput(path: Self.absolute(path), kind: kind))
            }
        }
        guard files.count <= 50 else { throw .usage("\(files.count) files; at most 50 per completion are allowed") }
        self.files = files
    }

    /// The path made absolute against the working directory, so messages name the real file.
    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}
