import HTTPServer
import KandasProtocol

/// Streams one PATCH body into its ``AppendWriter`` and answers when it ends.
///
/// The engine calls it in order on handler threads (never concurrently), so it needs no lock;
/// the writer itself serialises against other requests on the same upload.
final class PatchConsumer: RequestBodyConsumer {
    private let writer: AppendWriter
    private let handlers: TusHandlers
    private let request: HTTPRequest

    init(writer: AppendWriter, handlers: TusHandlers, request: HTTPRequest) {
        self.writer = writer
        self.handlers = handlers
        self.request = request
    }

    func consume(_ chunk: UnsafeRawBufferPointer) throws {
        do {
            try writer.write(chunk)
        } catch {
            throw handlers.httpError(error, request)
        }
    }

    func finish(trailers: HTTPHeaders) throws -> HTTPResponse {
        do {
            let status = try writer.finish()
            return HTTPResponse(status: .noContent, headers: handlers.statusHeaders(status))
        } catch {
            return handlers.problem(error, request)
        }
    }

    func abort(_ reason: BodyAbortReason) {
        writer.abort()
    }
}
