import Foundation
import Testing

@testable import Log

@Test func jsonLine_escapesControlCharactersAndSortsKeys() {
    let record = LogRecord(
        time: Date(timeIntervalSince1970: 0), level: .info, label: "t", message: "a\"b\n\u{1}",
        metadata: ["z": 1, "a.b": "x", "ok": true])
    #expect(
        record.jsonLine()
            == #"{"ts":"1970-01-01T00:00:00.000Z","level":"info","logger":"t","msg":"a\"b\n\u0001","a.b":"x","ok":true,"z":1}"#
    )
}

@Test func jsonLine_isValidJSON() throws {
    let record = LogRecord(
        time: Date(), level: .warning, label: "kandas.http", message: "Қандас ✓", metadata: ["http.status": 503])
    let object = try JSONSerialization.jsonObject(with: Data(record.jsonLine().utf8)) as? [String: Any]
    #expect(object?["msg"] as? String == "Қандас ✓")
    #expect(object?["http.status"] as? Int == 503)
}

@Test func logger_dropsRecordsBelowItsLevel() {
    let sink = MemoryLogSink()
    let logger = Logger(label: "t", level: .warning, sink: sink)
    logger.info("hidden")
    logger.error("shown", ["k": "v"])
    #expect(sink.records.map(\.message) == ["shown"])
    #expect(sink.records.first?.metadata["k"] == "v")
}

@Test func levelNames_parseCaseInsensitively() {
    #expect(Logger.Level(name: "WARNING") == .warning)
    #expect(Logger.Level(name: "nope") == nil)
}
