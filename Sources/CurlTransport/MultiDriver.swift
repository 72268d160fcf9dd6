import CurlKit
import Foundation
import KandasClient
import Synchronization

/// One dedicated thread driving a libcurl multi handle: every transfer of one `CurlTransport` runs
/// here, so blocking network and file I/O never touches Swift's cooperative pool.
///
/// A single multi handle owns one connection cache and one DNS cache, so consecutive requests to
/// the server reuse a kept-alive connection whichever task sent them. At most
/// `maxConcurrentTransfers` easy handles are attached at once; the rest wait in submission order.
/// Other threads talk to the driver only through `inbox` and `curl_multi_wakeup`.
///
/// Invariant that makes `@unchecked Sendable` sound: `multi` is used by the driver thread, except
/// for `curl_multi_wakeup` (documented as callable from any thread), which is only called under the
/// `inbox` lock while `closed` is false; the driver sets `closed` under that lock before
/// `curl_multi_cleanup`. `waiting` and `active` live on the driver thread's stack.
final class MultiDriver: @unchecked Sendable {
    private struct Inbox {
        var incoming: [Transfer] = []
        var stopping = false
        var closed = false
    }

    private let multi: CurlMulti
    private let configuration: CurlTransport.Configuration
    private let inbox = Mutex(Inbox())

    init(configuration: CurlTransport.Configuration) {
        let initialized = Curl.initialize()
        precondition(initialized == .ok, "curl_global_init failed with code \(initialized.rawValue)")
        guard let multi = CurlMulti() else { fatalError("curl_multi_init failed (out of memory)") }
        self.multi = multi
        self.configuration = configuration
        let thread = Thread { [self] in run() }
        thread.name = "kandas-curl"
        thread.start()
    }

    /// Queues a transfer; its continuation is resumed on the driver thread.
    func submit(_ transfer: Transfer) {
        let accepted = inbox.withLock { state in
            guard !state.closed, !state.stopping else { return false }
            state.incoming.append(transfer)
            multi.wakeup()
            return true
        }
        if !accepted { transfer.resume(.failure(.cancelled)) }
    }

    /// Interrupts the driver's wait so it notices a cancelled transfer at once.
    func wake() {
        inbox.withLock { state in
            if !state.closed { multi.wakeup() }
        }
    }

    /// Asks the thread to finish; transfers still queued or running end with `.cancelled`.
    func shutdown() {
        inbox.withLock { state in
            state.stopping = true
            if !state.closed { multi.wakeup() }
        }
    }

    private func run() {
        var waiting: [Transfer] = []
        var active: [UnsafeMutableRawPointer: Transfer] = [:]
        let limit = max(1, configuration.maxConcurrentTransfers)
        while true {
            let (incoming, stopping) = inbox.withLock { state in
                defer { state.incoming.removeAll() }
                return (state.incoming, state.stopping)
            }
            waiting += incoming
            if stopping {
                for t in waiting { t.cancel() }
                for t in active.values { t.cancel() }
            }
            // Cancelled transfers leave now, not at their next progress callback.
            for (handle, t) in active where t.isCancelled {
                if let easy = t.easy { multi.remove(easy) }
                active[handle] = nil
                finish(t, code: .abortedByCallback)
            }
            waiting.removeAll { t in
                guard t.isCancelled else { return false }
                t.resume(.failure(.cancelled))
                return true
            }
            if stopping { break }
            while active.count < limit, !waiting.isEmpty {
                let t = waiting.removeFirst()
                if let handle = start(t) { active[handle] = t }
            }
            multi.perform()
            while let (handle, code) = multi.nextDone() {
                guard let t = active.removeValue(forKey: handle), let easy = t.easy else { continue }
                multi.remove(easy)
                finish(t, code: code)
            }
            if active.count < limit, !waiting.isEmpty { continue }
            // Returns early on socket activity, libcurl's own timers, or curl_multi_wakeup; an idle
            // transport wakes only once a minute (to let libcurl expire cached connections), which
            // matters on a phone's battery.
            multi.poll(milliseconds: active.isEmpty ? 60_000 : 1000)
        }
        inbox.withLock { $0.closed = true }
        multi.close()
    }

    /// Configures and attaches a transfer; on failure resumes it with the error and returns nil.
    private func start(_ t: Transfer) -> UnsafeMutableRawPointer? {
        do {
            try t.prepare(configuration)
        } catch {
            t.release()
            t.resume(.failure(error))
            return nil
        }
        guard let easy = t.easy else { return nil }
        if let refused = multi.add(easy) {
            t.release()
            t.resume(.failure(.other("curl_multi_add_handle: \(refused)")))
            return nil
        }
        return easy.handle
    }

    /// Collects the outcome of a detached transfer, frees its handle and resumes its task.
    private func finish(_ t: Transfer, code: CurlCode) {
        guard let easy = t.easy else { return }
        let sent = easy.info(.sizeUpload)
        let received = easy.info(.sizeDownload)
        let status = Int(easy.info(.responseCode))
        // The last report is forced for failed transfers too: progress is throttled, and a caller counting
        // what a cut upload put on the wire (a resume's resent bytes) needs the final figure.
        t.report(
            TransferProgress(
                bytesSent: code == .ok ? Int64(sent) : max(Int64(sent), t.highestSent), bytesToSend: t.bodyLength,
                bytesReceived: Int64(received)),
            force: true)
        let result: Result<TransportResponse, TransportError>
        if code == .ok {
            result = .success(
                TransportResponse(status: status, headers: t.head.fields, body: t.body, bytesSent: Int64(sent)))
        } else {
            var detail = String(cString: t.errorBuffer)
            if detail.isEmpty { detail = code.description }
            let failure = CurlFailure(
                code: code.rawValue, detail: detail, cancelled: t.isCancelled,
                responseLimitExceeded: t.responseLimitExceeded, responseLimit: t.request.maxResponseBytes,
                readFailure: t.readFailure)
            result = .failure(TransportError(failure))
        }
        t.release()
        t.resume(result)
    }
}
