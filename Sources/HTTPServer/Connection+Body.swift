/// Handler and consumer jobs: the machine decides when; these run them on the handler pool and
/// bring their outcomes back to the loop.
extension Connection {
    /// A buffered request is whole: run its handler.
    func handle(_ request: HTTPRequest) {
        guard let handler else { return }
        self.handler = nil
        let responder = context.responder
        context.pool.submitContinuation { [self] in
            let prepared = responder.run(handler, request)
            loop.execute { self.responseReady(prepared) }
        }
    }

    /// Gives a filled buffer to the consumer; it comes back through `chunkConsumed`.
    func consume(_ buffer: BodyBuffer) {
        guard let box = consumer else { return }
        context.pool.submitContinuation { [self] in
            var failure: (any Error)?
            do { try box.consumer.consume(buffer.bytes) } catch { failure = error }
            let error = failure.map { SendableError($0) }
            loop.execute { self.chunkConsumed(buffer, error: error) }
        }
    }

    /// The whole body is in: the consumer's `finish` makes the response.
    func finish(trailers: HTTPHeaders) {
        guard let box = consumer, let req = machine.request else { return }
        consumer = nil
        // From here the response tells the client how the body ended.
        box.cancel?.release()
        let responder = context.responder
        context.pool.submitContinuation { [self] in
            let prepared: PreparedResponse
            do {
                prepared = responder.prepare(try box.consumer.finish(trailers: trailers), for: req)
            } catch {
                prepared = responder.prepare(responder.errorResponse(error, request: req), for: req)
            }
            loop.execute { self.responseReady(prepared) }
        }
    }

    func abortConsumer(_ reason: BodyAbortReason) {
        guard let box = consumer else { return }
        consumer = nil
        box.cancel?.release()
        context.pool.submitContinuation { box.consumer.abort(reason) }
    }

    private func chunkConsumed(_ buffer: BodyBuffer, error: SendableError?) {
        consumerError = error
        machine.chunkConsumed(buffer, failed: error != nil, buffers: &loop.bodyBuffers)
        drive()
    }

    /// A ``CancelHandle`` fired: end request `serial` if its body is still streaming.
    func cancelRequest(_ serial: UInt64) {
        machine.cancelRequest(serial, buffers: &loop.bodyBuffers)
        drive()
    }
}

/// Carries an error a consumer threw back to the loop.
///
/// `@unchecked Sendable` invariant: the error is only read on the loop after the consumer job
/// that created it has finished with it.
struct SendableError: @unchecked Sendable {
    let error: any Error
    init(_ error: any Error) { self.error = error }
}
