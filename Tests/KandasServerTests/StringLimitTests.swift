import Foundation
import KandasProtocol
import Testing

@testable import KandasServer

/// Issue 14 finding 9: every string a device sends has a documented maximum (Protocol §16,
/// `TextLimits` in KandasProtocol) and every count a range; a value past them is refused with a clear code and pointer.
struct StringLimitTests {
    static let body = """
        {"device_id":"5f0c1a2e-3b4d-4e6f-8a9b-000000000401","sent_at":"2026-11-25T04:20:12.904Z",
         "client_status":{"outbox_events":1,"outbox_bytes":2,"files_pending":0,"bytes_pending":0,"app_version":"1.0.3"},
         "events":[{"event_id":"5f0c1a2e-3b4d-4e6f-8a9b-000000000901","device_seq":1,"type":"teleport",
          "item_id":"5f0c1a2e-3b4d-4e6f-8a9b-000000000801","base_version":1,
          "recorded_at":"2026-10-14T05:40:02.118Z","payload":{}}]}
        """

    static func request(_ change: (inout ClientStatus) -> Void) throws -> PushRequest {
        var request = try PushEnvelope.decode(Array(body.utf8)).request
        var status = try #require(request.clientStatus)
        change(&status)
        request.clientStatus = status
        return request
    }

    static func refusal(_ request: PushRequest) -> ServerError? {
        do {
            try PushHandler.checkEnvelope(request)
            return nil
        } catch {
            return error
        }
    }

    @Test func clientStatusWithinItsLimits_isAccepted() throws {
        #expect(Self.refusal(try Self.request { _ in }) == nil)
        let full = try Self.request {
            $0.appVersion = String(repeating: "9", count: 64)
            $0.lastError = String(repeating: "e", count: 500)
            $0.outboxEvents = 9_007_199_254_740_991
        }
        #expect(Self.refusal(full) == nil)
    }

    @Test func clientStatusPastItsLimits_isInvalidFieldWithThePointer() throws {
        let cases: [(String, (inout ClientStatus) -> Void)] = [
            ("/client_status/app_version", { $0.appVersion = String(repeating: "9", count: 2 << 20) }),
            ("/client_status/app_version", { $0.appVersion = "" }),
            ("/client_status/app_version", { $0.appVersion = "1.0\n<script>" }),
            ("/client_status/last_error", { $0.lastError = String(repeating: "e", count: 3 << 20) }),
            ("/client_status/last_error", { $0.lastError = "bad\u{7}" }),
            ("/client_status/outbox_events", { $0.outboxEvents = -1 }),
            ("/client_status/outbox_bytes", { $0.outboxBytes = -5 }),
            ("/client_status/files_pending", { $0.filesPending = Int.min }),
            ("/client_status/bytes_pending", { $0.bytesPending = -1 }),
        ]
        for (pointer, change) in cases {
            let error = try #require(Self.refusal(try Self.request(change)), "\(pointer) was accepted")
            #expect(error.code == .invalidField && error.status == 422)
            #expect(error.errors.map(\.pointer) == [pointer], "\(error)")
        }
    }

    static func file(name: String?) -> DeclaredFile {
        DeclaredFile(
            attachmentID: .random(), kind: .photo, contentType: "image/jpeg", size: 10,
            sha256: String(repeating: "ab", count: 32), capturedAt: Timestamp(millisecondsSince1970: 0),
            source: .camera, fileName: name)
    }

    @Test func fileNamePastItsLimit_rejectsTheEventNamingTheField() throws {
        try EventValidation.files([Self.file(name: nil)], "/payload/files")
        try EventValidation.files(
            [Self.file(name: String(repeating: "ж", count: 255))], "/payload/files")
        for bad in [String(repeating: "a", count: 1 << 20), String(repeating: "ж", count: 256), "a\u{0}b", ""] {
            do {
                try EventValidation.files([Self.file(name: "ok.jpg"), Self.file(name: bad)], "/payload/files")
                Issue.record("file name of \(bad.count) characters was accepted")
            } catch {
                #expect(error.code == .invalidPayload)
                #expect(error.detail.hasPrefix("/payload/files/1/file_name:"), "\(error.detail)")
            }
        }
    }

    @Test func enrollTextsPastTheirLimits_areInvalidFieldWithTheirOwnPointer() throws {
        func body(
            code: String = "K7QJ3M4XZ2W5PN6RB8TD9YHC4E", app: String = "1.0.0", name: String? = nil
        ) -> EnrollRequest {
            EnrollRequest(code: code, deviceUUID: .random(), platform: .linux, appVersion: app, deviceName: name)
        }
        try DeviceAuthHandlers.checkEnroll(body(name: String(repeating: "n", count: 100)))
        for (pointer, request) in [
            ("/code", body(code: String(repeating: "K", count: 1 << 20))),
            ("/app_version", body(app: String(repeating: "9", count: 65))),
            ("/device_name", body(name: String(repeating: "n", count: 101))),
            ("/device_name", body(name: "tab\nlet")),
        ] {
            do {
                try DeviceAuthHandlers.checkEnroll(request)
                Issue.record("\(pointer) was accepted")
            } catch {
                #expect(error.code == .invalidField && error.errors.map(\.pointer) == [pointer], "\(error)")
            }
        }
    }
}
