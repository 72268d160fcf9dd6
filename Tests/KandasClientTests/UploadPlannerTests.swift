import KandasProtocol
import Testing

@testable import KandasClient

/// The tus upload's decisions without a network: each test plays the server's answers and
/// checks the steps the planner asks for.
@Suite struct UploadPlannerTests {
    typealias Answer = UploadPlanner.Answer
    static let url = "http://s/v1/uploads/u1"
    static let settings = UploadPlanner.Settings(maxAttempts: 6, minimumChunkBytes: 64)

    static func planner(size: Int64 = 1000, url: String? = nil, chunk: Int = 400) -> UploadPlanner {
        UploadPlanner(size: size, url: url, chunk: chunk, settings: settings)
    }

    /// Steps until the planner waits for an answer (a `send` or `checkLocalCopy`) or ends.
    static func steps(_ p: inout UploadPlanner) -> [UploadPlanner.Step] {
        var out: [UploadPlanner.Step] = []
        while true {
            let step = p.next()
            out.append(step)
            switch step {
            case .send, .checkLocalCopy, .verified, .deferred, .failed, .protocolViolation, .giveUp: return out
            default: continue
            }
        }
    }

    @Test func newFile_isCreatedSavedThenSentInChunksFromTheServersOffset() {
        var p = Self.planner()
        #expect(Self.steps(&p) == [.send(.create)])
        p.answered(Answer(status: 201, offset: 0, location: Self.url))
        #expect(
            Self.steps(&p) == [
                .saveURL(Self.url), .started(offset: 0), .send(.chunk(url: Self.url, offset: 0, length: 400)),
            ])
        p.answered(Answer(status: 204, offset: 400))
        #expect(Self.steps(&p) == [.send(.chunk(url: Self.url, offset: 400, length: 400))])
        p.answered(Answer(status: 204, offset: 800))
        #expect(Self.steps(&p) == [.send(.chunk(url: Self.url, offset: 800, length: 200))])
        p.answered(Answer(status: 204, offset: 1000, verified: true))
        #expect(Self.steps(&p) == [.verified])
    }

    @Test func knownUpload_resumesFromTheOffsetTheServerReports() {
        var p = Self.planner(url: Self.url)
        #expect(Self.steps(&p) == [.send(.status(url: Self.url))])
        p.answered(Answer(status: 200, offset: 600))
        #expect(Self.steps(&p) == [.started(offset: 600), .send(.chunk(url: Self.url, offset: 600, length: 400))])
    }

    @Test func alreadyVerifiedUpload_sendsNothing() {
        var p = Self.planner(url: Self.url)
        _ = Self.steps(&p)
        p.answered(Answer(status: 200, offset: 1000, verified: true))
        #expect(Self.steps(&p) == [.verified])
    }

    @Test func vanishedUpload_isForgottenAndCreatedAgain() {
        var p = Self.planner(url: Self.url)
        _ = Self.steps(&p)
        p.answered(Answer(status: 404))
        #expect(Self.steps(&p) == [.saveURL(nil), .send(.create)])
    }

    @Test func conflict_continuesFromTheServersStoredOffset() {
        var p = Self.planner(url: Self.url)
        _ = Self.steps(&p)
        p.answered(Answer(status: 200, offset: 0))
        _ = Self.steps(&p)
        p.answered(Answer(status: 409, problemCode: "offset_mismatch", problemOffset: 300))
        #expect(Self.steps(&p) == [.send(.chunk(url: Self.url, offset: 300, length: 400))])
    }

    @Test func answerThatDoesNotMoveTheOffset_sendsThePlannerBackToHEAD() {
        var p = Self.planner(url: Self.url)
        _ = Self.steps(&p)
        p.answered(Answer(status: 200, offset: 400))
        _ = Self.steps(&p)
        p.answered(Answer(status: 204, offset: 400))
        #expect(Self.steps(&p) == [.send(.status(url: Self.url))])
    }

    @Test func networkCut_backsOffThenAsksTheServerAndGivesUpAfterMaxAttempts() {
        var p = Self.planner(url: Self.url)
        for attempt in 0..<5 {
            #expect(Self.steps(&p).last == .send(.status(url: Self.url)))
            p.answered(Answer(status: 200, offset: 0))
            _ = Self.steps(&p)
            p.transportFailed(reason: "reset")
            #expect(p.next() == .wait(attempt: attempt, retryAfter: nil, reason: "reset"))
        }
        _ = Self.steps(&p)
        p.answered(Answer(status: 200, offset: 0))
        _ = Self.steps(&p)
        p.transportFailed(reason: "reset")
        #expect(Self.steps(&p) == [.giveUp])
    }

    @Test func damagedChunks_areRetriedAndHalvedAfterTheSecondFailure() {
        var p = Self.planner(url: Self.url)
        _ = Self.steps(&p)
        p.answered(Answer(status: 200, offset: 0))
        _ = Self.steps(&p)
        p.answered(Answer(status: Tus.checksumMismatchStatus, problemCode: "checksum_mismatch"))
        #expect(
            Self.steps(&p) == [
                .wait(attempt: 0, retryAfter: nil, reason: "chunk checksum mismatch"),
                .send(.chunk(url: Self.url, offset: 0, length: 400)),
            ])
        p.answered(Answer(status: Tus.checksumMismatchStatus, problemCode: "checksum_mismatch"))
        #expect(Self.steps(&p).last == .send(.chunk(url: Self.url, offset: 0, length: 200)))
        p.answered(Answer(status: 204, offset: 200))
        #expect(Self.steps(&p) == [.send(.chunk(url: Self.url, offset: 200, length: 200))])
    }

    @Test func endlesslyDamagedChunks_areDeferredNotRetriedForever() {
        var p = Self.planner(url: Self.url)
        _ = Self.steps(&p)
        p.answered(Answer(status: 200, offset: 0))
        var last: UploadPlanner.Step?
        for _ in 0..<100 {
            last = Self.steps(&p).last
            guard case .send(.chunk) = last else { break }
            p.answered(Answer(status: Tus.checksumMismatchStatus, problemCode: "checksum_mismatch"))
        }
        #expect(last == .deferred)
    }

    @Test func chunkTooLarge_shrinksToTheServersLimitAndFailsAtTheMinimum() {
        var p = Self.planner(url: Self.url, chunk: 400)
        _ = Self.steps(&p)
        p.answered(Answer(status: 200, offset: 0))
        _ = Self.steps(&p)
        p.answered(Answer(status: 413, problemCode: ErrorCode.chunkTooLarge.rawValue, problemLimit: 100))
        #expect(Self.steps(&p) == [.send(.chunk(url: Self.url, offset: 0, length: 100))])
        p.answered(Answer(status: 413, problemCode: ErrorCode.chunkTooLarge.rawValue))
        #expect(Self.steps(&p) == [.send(.chunk(url: Self.url, offset: 0, length: 64))])
        p.answered(Answer(status: 413, problemCode: ErrorCode.chunkTooLarge.rawValue))
        #expect(Self.steps(&p) == [.failed("chunk_too_large")])
    }

    @Test func busyServer_isWaitedForAsItAsks() {
        var p = Self.planner(url: Self.url)
        _ = Self.steps(&p)
        p.answered(Answer(status: 200, offset: 0))
        _ = Self.steps(&p)
        p.answered(Answer(status: 503, retryAfter: .seconds(7)))
        #expect(
            Self.steps(&p) == [
                .wait(attempt: 0, retryAfter: .seconds(7), reason: "upload busy"), .send(.status(url: Self.url)),
            ])
    }

    @Test func wholeFileDigestMismatch_checksTheLocalCopyFirst() {
        var p = Self.planner(url: Self.url)
        _ = Self.steps(&p)
        p.answered(Answer(status: 200, offset: 600))
        _ = Self.steps(&p)
        p.answered(Answer(status: Tus.checksumMismatchStatus, problemCode: ErrorCode.fileDigestMismatch.rawValue))
        #expect(Self.steps(&p) == [.checkLocalCopy])
        p.localCopy(matches: true)
        #expect(Self.steps(&p) == [.saveURL(nil), .send(.create)])

        var changed = Self.planner(url: Self.url)
        _ = Self.steps(&changed)
        changed.answered(Answer(status: 200, offset: 600))
        _ = Self.steps(&changed)
        changed.answered(
            Answer(status: Tus.checksumMismatchStatus, problemCode: ErrorCode.fileDigestMismatch.rawValue))
        _ = Self.steps(&changed)
        changed.localCopy(matches: false)
        #expect(Self.steps(&changed) == [.failed("local_copy_changed")])
    }

    @Test(arguments: [
        (ErrorCode.uploadTooLarge.rawValue, UploadPlanner.Step.failed(ErrorCode.uploadTooLarge.rawValue)),
        (ErrorCode.unknownAttachment.rawValue, .failed(ErrorCode.unknownAttachment.rawValue)),
        ("internal", .deferred),
    ])
    func refusedCreation_isQuarantinedOnlyWhenNoRetryCanHelp(_ code: String, _ end: UploadPlanner.Step) {
        var p = Self.planner()
        _ = Self.steps(&p)
        p.answered(Answer(status: 400, problemCode: code))
        #expect(Self.steps(&p) == [.noteError(code), end])
    }

    @Test func creationWithoutLocation_isAProtocolViolation() {
        var p = Self.planner()
        _ = Self.steps(&p)
        p.answered(Answer(status: 201, offset: 0))
        #expect(Self.steps(&p) == [.protocolViolation("upload creation answered without a Location")])
    }

    @Test func uploadsThatKeepVanishing_stopAfterThreeCreations() {
        var p = Self.planner()
        for _ in 0..<3 {
            #expect(Self.steps(&p).last == .send(.create))
            p.answered(Answer(status: 201, offset: 0, location: Self.url))
            _ = Self.steps(&p)
            p.answered(Answer(status: 410))
        }
        #expect(Self.steps(&p) == [.saveURL(nil), .deferred])
    }

    @Test func allBytesSentButNotVerified_asksTheServer() {
        var p = Self.planner(url: Self.url)
        _ = Self.steps(&p)
        p.answered(Answer(status: 200, offset: 600))
        _ = Self.steps(&p)
        p.answered(Answer(status: 204, offset: 1000))
        #expect(Self.steps(&p) == [.send(.status(url: Self.url))])
        #expect(p.attempt == 1)
    }
}
