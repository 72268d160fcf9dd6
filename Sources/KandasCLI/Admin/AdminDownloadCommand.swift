import Crypto
import Foundation
import Glibc
import KandasProtocol
import SystemKit

/// `kandas admin download ATTACHMENT --out FILE`: a verified evidence file, checked against its SHA-256 (§4.9).
///
/// The file is fetched in `Range` pieces (so a video of several GiB never sits in memory and each
/// request stays under the transport's response limit), pinned to one representation with
/// `If-Range` on its `ETag`, hashed while it is written to `FILE.part`, and renamed to `FILE` only
/// when its SHA-256 equals the declared one: a finished `FILE` is always the evidence byte for byte.
struct AdminDownloadCommand: Command {
    static let spec = CommandSpec(
        ["admin", "download"], summary: "download a verified evidence file (photo, video, document) to a file",
        arguments: [ArgumentSpec("ATTACHMENT", "the attachment ID (see kandas admin uploads --files)")],
        options: [.value("out", "FILE", "where to write the file (required; replaced if it exists)")],
        discussion: """
            Only verified files can be downloaded; for others the command names the upload state (receiving,
            corrupt, expired). The bytes are checked against the SHA-256 the device declared before FILE appears.
            """,
        examples: ["kandas admin download 5f0c1a2e-3b4d-4e6f-8a9b-000000000b01 --out visit.mp4"])

    /// Bytes asked for per request.
    static let pieceBytes: Int64 = 16 << 20

    let attachment: WireID
    let out: String

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        attachment = try InputParser.id(arguments.positionals[0], what: "ATTACHMENT")
        guard let out = arguments.value("out"), !out.isEmpty else { throw .usage("download needs --out FILE") }
        self.out = out
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let client = try context.adminClient()
        let file = try await client.get("/admin/attachments/\(attachment)", as: EvidenceFile.self)
        guard file.uploadState == .verified else {
            throw .runtime(
                "the file is not verified yet (upload state \(file.uploadState.rawValue), "
                    + "\(file.receivedBytes) of \(file.size) bytes)",
                hint: "only verified files can be downloaded; the device uploads it again", code: "conflict")
        }
        let temporary = out + ".part"
        // open, fsync and rename block on the disk: they run off the cooperative pool, like the writes.
        let (fd, openError) = await Blocking.run { () -> (Int32, String) in
            let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            return (fd, fd >= 0 ? "" : String(cString: strerror(errno)))
        }
        guard fd >= 0 else { throw .runtime("cannot write \(temporary): \(openError)", hint: "check the folder") }
        var hasher = SHA256()
        var offset: Int64 = 0
        var closed = false
        let size = Int64(file.size)
        do throws(CLIError) {
            while offset < size {
                let last = min(offset + Self.pieceBytes, size) - 1
                let response = try await client.send(
                    "GET", "/admin/attachments/\(attachment)/content",
                    headers: [("Range", "bytes=\(offset)-\(last)"), ("If-Range", "\"\(file.sha256)\"")])
                let expected = Int(last - offset + 1)
                let whole = response.status == 200 && offset == 0 && response.body.count == file.size
                guard whole || (response.status == 206 && response.body.count == expected) else {
                    throw .runtime(
                        "the server answered HTTP \(response.status) with \(response.body.count) bytes for bytes "
                            + "\(offset)-\(last)", hint: "retry the download", code: "protocol_violation")
                }
                hasher.update(response.body)
                let body = response.body
                let failure = await Blocking.run { Self.writeAll(fd, body) }
                if let failure { throw .runtime("cannot write \(temporary): \(failure)", hint: "check disk space") }
                offset += Int64(body.count)
            }
            // The digest first: bytes that are not the evidence need no fsync.
            let digest = hasher.finalize().hex
            guard digest == file.sha256 else {
                throw .runtime(
                    "the downloaded bytes do not match the declared SHA-256 (got \(digest))",
                    hint: "run kandas-server verify on the server", code: "file_digest_mismatch")
            }
            let failure = await Blocking.run { fsync(fd) == 0 ? nil : String(cString: strerror(errno)) }
            if let failure { throw .runtime("cannot write \(temporary): \(failure)", hint: "check disk space") }
            close(fd)
            closed = true
            let out = self.out
            // Renamed into place and the folder synced, so the name survives a power loss too.
            let placed = await Blocking.run {
                Result { () throws(SystemError) in try DurableFile.place(temporary, at: out, placement: .replace) }
            }
            if case .failure(let error) = placed {
                throw .runtime("cannot rename \(temporary) to \(out): \(error.reason)", hint: "check the folder")
            }
        } catch {
            if !closed { close(fd) }
            unlink(temporary)
            throw error
        }
        if context.globals.json { return context.printJSON(ViewJSON.encode(file)) }
        context.info("Wrote \(Format.bytes(size)) to \(out) (SHA-256 \(file.sha256) verified).")
    }

    /// Writes all of `bytes` to `fd`; nil, or the error text.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> String? {
        bytes.withUnsafeBytes { buffer -> String? in
            var done = 0
            while done < buffer.count {
                let n = write(fd, buffer.baseAddress! + done, buffer.count - done)
                if n > 0 {
                    done += n
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    return String(cString: strerror(errno))
                }
            }
            return nil
        }
    }
}
