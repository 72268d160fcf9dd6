import Foundation
import HTTPServer
import KandasProtocol

/// `/healthz`, `/readyz`, `/metrics` and `/v1/limits` (Protocol §14, §16).
enum OpsHandlers {
    static func health(_ ctx: RequestContext) throws -> HTTPResponse { try ctx.json(Health(status: "ok")) }

    /// Ready when the store accepts a write, the blob folder accepts a file and the data folder's disk has room.
    static func ready(_ ctx: RequestContext) throws -> HTTPResponse {
        var checks: [String: String] = [:]
        do {
            try OpsStore.probeWrite(ctx.app.database)
            checks["store"] = "ok"
        } catch {
            checks["store"] = "store not writable"
        }
        checks["blobs"] = ctx.app.blobFolderWritable() ? "ok" : "blob folder not writable"
        let free = freeDiskBytes(ctx.app.config.dataDirectory)
        checks["disk"] = free.map { $0 >= ctx.app.config.minFreeDiskBytes ? "ok" : "low disk space" } ?? "unknown"
        let ready = checks.values.allSatisfy { $0 == "ok" }
        return try ctx.json(Readiness(status: ready ? "ready" : "not_ready", checks: checks), status: ready ? 200 : 503)
    }

    static func metrics(_ ctx: RequestContext) throws -> HTTPResponse {
        var text = ctx.app.metrics.prometheusText()
        if let engine = ctx.app.server.server?.metrics { text += engine.prometheusText(prefix: "kandas_engine") }
        text += "# TYPE kandas_store_bytes gauge\n"
        for suffix in ["", "-wal"] {
            let path = ctx.app.config.databasePath + suffix
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            text += "kandas_store_bytes{file=\"kandas.sqlite\(suffix)\"} \(size)\n"
        }
        if let free = freeDiskBytes(ctx.app.config.dataDirectory) {
            text += "# TYPE kandas_disk_free_bytes gauge\nkandas_disk_free_bytes \(free)\n"
        }
        var headers = HTTPHeaders()
        headers.add("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        return HTTPResponse(status: .ok, headers: headers, body: .bytes(Array(text.utf8)))
    }

    static func limits(_ ctx: RequestContext) throws -> HTTPResponse { try ctx.json(serverLimits) }

    /// The published limits: the defaults of Protocol §16 (this server enforces them as listed there).
    static let serverLimits = Limits.default

    static func freeDiskBytes(_ path: String) -> Int64? {
        guard let attributes = try? FileManager.default.attributesOfFileSystem(forPath: path),
            let free = attributes[.systemFreeSize] as? NSNumber
        else { return nil }
        return free.int64Value
    }
}
