extension PushResponse {
    /// The response as `JSONCoding.encode` writes it (compact, sorted keys, nil fields omitted),
    /// written directly: a 500-result push spent longer in `JSONEncoder` than in SQLite.
    public var jsonBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + results.count * 160)
        out.append(contentsOf: "{\"last_device_seq\":".utf8)
        out.append(contentsOf: String(lastDeviceSeq).utf8)
        out.append(contentsOf: ",\"results\":[".utf8)
        for (i, result) in results.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            result.write(to: &out)
        }
        out.append(contentsOf: "],\"server_time\":".utf8)
        JSONValue.writeString(serverTime.description, to: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }
}

extension EventResult {
    /// Appends the result's JSON object, keys in sorted order as the wire encoder writes them.
    func write(to out: inout [UInt8]) {
        var first = true
        func key(_ name: String) {
            out.append(contentsOf: (first ? "{\"" : ",\"").utf8)
            out.append(contentsOf: name.utf8)
            out.append(contentsOf: "\":".utf8)
            first = false
        }
        if let code {
            key("code")
            JSONValue.writeString(code, to: &out)
        }
        if let completionID {
            key("completion_id")
            JSONValue.writeString(completionID.description, to: &out)
        }
        if let completionRev {
            key("completion_rev")
            out.append(contentsOf: String(completionRev).utf8)
        }
        if let conflictIDs {
            key("conflict_ids")
            JSONValue.array(conflictIDs.map { .string($0.description) }).write(to: &out)
        }
        if let detail {
            key("detail")
            JSONValue.writeString(detail, to: &out)
        }
        key("device_seq")
        out.append(contentsOf: String(deviceSeq).utf8)
        key("event_id")
        JSONValue.writeString(eventID.description, to: &out)
        if let expectedDeviceSeq {
            key("expected_device_seq")
            out.append(contentsOf: String(expectedDeviceSeq).utf8)
        }
        key("outcome")
        JSONValue.writeString(outcome.rawValue, to: &out)
        if let storedOutcome {
            key("stored_outcome")
            JSONValue.writeString(storedOutcome.rawValue, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }
}
