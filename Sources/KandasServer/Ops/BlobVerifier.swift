import Crypto
import Foundation
import KandasUploads

/// `kandas-server verify`: re-hashes every blob and checks it against the store.
///
/// The blob folder is the uploads module's content-addressed layout,
/// `<data>/blobs/ab/cd/<sha256 hex>`. Problems: a blob whose bytes do not hash to its name
/// (`mismatch`), a verified attachment whose blob is missing or of the wrong size (`missing`),
/// a blob no verified attachment refers to (`orphan`), a file that is not a blob name (`stray`).
/// With an S3 blob store the same checks run over the bucket's objects, each streamed through
/// SHA-256 (never held whole).
enum BlobVerifier {
    struct Report: Equatable {
        var blobs = 0
        var bytes: Int64 = 0
        var problems: [String] = []

        var text: String {
            var out = problems.joined(separator: "\n")
            if !out.isEmpty { out += "\n" }
            out += "verified \(blobs) blobs (\(bytes) bytes): "
            out += problems.isEmpty ? "no problems" : "\(problems.count) problem(s)"
            return out
        }
    }

    static func isBlobName(_ name: String) -> Bool {
        name.utf8.count == 64 && name.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// Where the uploads module's blob store keeps a blob (one layout, defined there).
    static func path(root: String, sha256: String) -> String {
        (try? LocalBlobStore(root: root).localPath(sha256: sha256)) ?? ""
    }

    /// Checks `blobs` against the `attachments` table; read-only on both (safe while serving).
    static func run(databasePath: String, blobs: any BlobStore) throws -> Report {
        try run(expected: try expectedBlobs(databasePath), blobs: blobs)
    }

    /// Checks `blobs` against `expected` (verified attachments' sizes by SHA-256, read from any engine).
    static func run(expected: [String: Int64], blobs: any BlobStore) throws -> Report {
        if let local = blobs as? LocalBlobStore { return try run(expected: expected, blobRoot: local.root) }
        var report = Report()
        var seen: Set<String> = []
        try blobs.forEachBlob(
            { sha256, size throws(UploadError) in
                seen.insert(sha256)
                report.blobs += 1
                report.bytes += size
                let key = (blobs as? S3BlobStore)?.key(sha256) ?? sha256
                let (digest, read) = try BlobCopier.hash(sha256, in: blobs)
                if digest != sha256 { report.problems.append("mismatch \(key): bytes hash to \(digest)") }
                if expected[sha256] == nil {
                    report.problems.append("orphan \(key): no verified attachment has this hash")
                } else if read != expected[sha256] {
                    report.problems.append("mismatch \(key): \(read) bytes, declared \(expected[sha256] ?? 0)")
                }
            }, stray: { report.problems.append("stray \($0): not a blob of the content-addressed layout") })
        for (sha, _) in expected.sorted(by: { $0.key < $1.key }) where !seen.contains(sha) {
            report.problems.append("missing \(sha): a verified attachment's blob is not in \(blobs.description)")
        }
        return report
    }

    /// Verified attachments by content address (identical files are stored once).
    static func expectedBlobs(_ databasePath: String) throws -> [String: Int64] {
        try OpsStore.verifiedBlobSizes(databasePath: databasePath)
    }

    /// Walks the blob folder and the `attachments` table; read-only on both (safe while serving).
    static func run(databasePath: String, blobRoot: String) throws -> Report {
        try run(expected: try expectedBlobs(databasePath), blobRoot: blobRoot)
    }

    /// Walks the blob folder against `expected`.
    static func run(expected: [String: Int64], blobRoot: String) throws -> Report {
        var report = Report()
        let fm = FileManager.default
        let store = try LocalBlobStore(root: blobRoot)
        var seen: Set<String> = []
        let files = (fm.enumerator(atPath: blobRoot)?.allObjects as? [String] ?? []).sorted()
        for relative in files {
            let full = blobRoot + "/" + relative
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            let name = (relative as NSString).lastPathComponent
            guard isBlobName(name), store.localPath(sha256: name) == full else {
                report.problems.append("stray \(relative): not a blob of the content-addressed layout")
                continue
            }
            seen.insert(name)
            report.blobs += 1
            let size = (try? fm.attributesOfItem(atPath: full)[.size] as? Int64) ?? nil
            report.bytes += size ?? 0
            let digest: String
            do {
                digest = try SHA256.hash(fileAt: full).hex
            } catch {
                report.problems.append("unreadable \(relative): \(error)")
                continue
            }
            if digest != name { report.problems.append("mismatch \(relative): bytes hash to \(digest)") }
            if expected[name] == nil {
                report.problems.append("orphan \(relative): no verified attachment has this hash")
            } else if let size, size != expected[name] {
                report.problems.append("mismatch \(relative): \(size) bytes, declared \(expected[name] ?? 0)")
            }
        }
        for (sha, _) in expected.sorted(by: { $0.key < $1.key }) where !seen.contains(sha) {
            report.problems.append("missing \(sha): a verified attachment's blob is not on disk")
        }
        return report
    }
}
