import Foundation
import KandasClient
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One request in flight: the response collected so far and the caller waiting for it.
///
/// Written from the session's delegate queue and from the caller's cancellation handler, so all state
/// sits behind one `Mutex`; the continuation is resumed exactly once (`finish` takes it out).
final class Exchange: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Result<TransportResponse, TransportError>, Never>?
        var status = 0
        var headers: [(name: String, value: String)] = []
        var body: [UInt8] = []
        var bytesSent: Int64 = 0
        var tooLarge = false
        var cancelled = false
    }

    let request: TransportRequest
    let toSend: Int64
    private let progress: (@Sendable (TransferProgress) -> Void)?
    private let state = Mutex(State())

    init(request: TransportRequest, toSend: Int64, progress: (@Sendable (TransferProgress) -> Void)?) {
        self.request = request
        self.toSend = toSend
        self.progress = progress
    }

    func start(_ continuation: CheckedContinuation<Result<TransportResponse, TransportError>, Never>) {
        state.withLock { $0.continuation = continuation }
    }

    func markCancelled() { state.withLock { $0.cancelled = true } }

    /// The status line and fields arrived (interim 1xx responses never reach the delegate).
    func received(_ response: HTTPURLResponse) {
        var headers: [(name: String, value: String)] = []
        for (name, value) in response.allHeaderFields {
            guard let name = name as? String, let value = value as? String else { continue }
            headers.append((name, value))
        }
        state.withLock {
            $0.status = response.statusCode
            $0.headers = headers
            $0.body = []
        }
    }

    /// Appends body bytes; returns false (and remembers why) once the body passes `maxResponseBytes`.
    func received(_ data: Data) -> Bool {
        let limit = request.maxResponseBytes
        return state.withLock {
            guard $0.body.count + data.count <= limit else {
                $0.tooLarge = true
                return false
            }
            $0.body.append(contentsOf: data)
            return true
        }
    }

    func sent(total: Int64) {
        let bytesReceived = state.withLock {
            $0.bytesSent = max($0.bytesSent, total)
            return Int64($0.body.count)
        }
        progress?(TransferProgress(bytesSent: total, bytesToSend: toSend, bytesReceived: bytesReceived))
    }

    /// Resumes the caller with the response, or with the error that ended the task.
    func finish(error: (any Error)?, countOfBytesSent: Int64) {
        let (continuation, result) = state.withLock { state in
            let continuation = state.continuation
            state.continuation = nil
            state.bytesSent = max(state.bytesSent, min(countOfBytesSent, toSend))
            let result: Result<TransportResponse, TransportError>
            if state.tooLarge {
                result = .failure(.responseTooLarge(request.maxResponseBytes))
            } else if let error {
                result = .failure(state.cancelled ? .cancelled : Self.transportError(error, url: request.url))
            } else if state.status == 0 {
                result = .failure(.connectionLost("\(request.url): no response"))
            } else {
                let body = request.method == "HEAD" ? [] : state.body
                result = .success(
                    TransportResponse(
                        status: state.status, headers: state.headers, body: body, bytesSent: state.bytesSent))
            }
            return (continuation, result)
        }
        if case .success(let response) = result, let progress {
            progress(
                TransferProgress(
                    bytesSent: response.bytesSent, bytesToSend: toSend, bytesReceived: Int64(response.body.count)))
        }
        continuation?.resume(returning: result)
    }

    /// URLSession's errors as `TransportError`, transient kinds as transient (the sync engine retries those).
    static func transportError(_ error: any Error, url: String) -> TransportError {
        if let error = error as? TransportError { return error }
        guard let error = error as? URLError else { return .other("\(url): \(error)") }
        let text = "\(url): \(error.localizedDescription)"
        switch error.code {
        case .cancelled: return .cancelled
        case .badURL, .unsupportedURL: return .invalidURL(text)
        case .cannotFindHost, .dnsLookupFailed: return .couldNotResolveHost(text)
        case .cannotConnectToHost, .notConnectedToInternet: return .couldNotConnect(text)
        case .timedOut: return .timedOut(text)
        case .networkConnectionLost, .badServerResponse, .cannotParseResponse, .zeroByteResource:
            return .connectionLost(text)
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
            .serverCertificateHasUnknownRoot, .serverCertificateNotYetValid, .clientCertificateRejected,
            .clientCertificateRequired:
            return .tls(text)
        case .fileDoesNotExist, .noPermissionsToReadFile, .cannotOpenFile: return .fileUnreadable(text)
        case .dataLengthExceedsMaximum: return .responseTooLarge(0)
        default: return .other(text)
        }
    }
}
